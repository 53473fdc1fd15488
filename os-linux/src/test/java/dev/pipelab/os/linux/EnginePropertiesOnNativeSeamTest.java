package dev.pipelab.os.linux;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.completion.CompletionPipeServerFactory;
import dev.pipelab.overlapped.OverlappedPipeServerFactory;
import dev.pipelab.testsuite.EngineProperties;
import dev.pipelab.threaded.ThreadedPipeServerFactory;
import dev.pipelab.virtual.VirtualPipeServerFactory;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;

/**
 * The property suite over every engine on the native seam: the overlapped and completion
 * engines on its epoll loop, the threaded and virtual engines on its parking blocking style.
 */
class EnginePropertiesOnNativeSeamTest extends EngineProperties {

    @BeforeEach
    void nativeSeamRunsHere() {
        NativeSeam.assumeSelected();
    }

    @Override
    protected List<PipeServerFactory> engines() {
        return List.of(
                new ThreadedPipeServerFactory(),
                new OverlappedPipeServerFactory(),
                new CompletionPipeServerFactory(),
                new VirtualPipeServerFactory());
    }
}
