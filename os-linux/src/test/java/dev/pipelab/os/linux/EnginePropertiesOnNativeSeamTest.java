package dev.pipelab.os.linux;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.completion.CompletionPipeServerFactory;
import dev.pipelab.overlapped.OverlappedPipeServerFactory;
import dev.pipelab.testsuite.EngineProperties;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;

/** The property suite over the engines that run on epoll under the native seam (see {@link OverlappedOnNativeSeamTest}). */
class EnginePropertiesOnNativeSeamTest extends EngineProperties {

    @BeforeEach
    void nativeSeamRunsHere() {
        NativeSeam.assumeSelected();
    }

    @Override
    protected List<PipeServerFactory> engines() {
        return List.of(new OverlappedPipeServerFactory(), new CompletionPipeServerFactory());
    }
}
