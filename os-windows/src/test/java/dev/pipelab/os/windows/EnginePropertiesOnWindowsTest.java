package dev.pipelab.os.windows;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.completion.CompletionPipeServerFactory;
import dev.pipelab.overlapped.OverlappedPipeServerFactory;
import dev.pipelab.testsuite.EngineProperties;
import dev.pipelab.threaded.ThreadedPipeServerFactory;
import dev.pipelab.virtual.VirtualPipeServerFactory;
import java.util.List;

/** The property suite over the four engines, through the Windows seam (see {@link ThreadedOnWindowsTest}). */
class EnginePropertiesOnWindowsTest extends EngineProperties {

    @Override
    protected List<PipeServerFactory> engines() {
        return List.of(
                new ThreadedPipeServerFactory(),
                new OverlappedPipeServerFactory(),
                new CompletionPipeServerFactory(),
                new VirtualPipeServerFactory());
    }
}
