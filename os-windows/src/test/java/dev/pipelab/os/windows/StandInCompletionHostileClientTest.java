package dev.pipelab.os.windows;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.completion.CompletionPipeServerFactory;
import dev.pipelab.testsuite.HostileClientContract;

/** The completion engine against hostile clients, through the Windows seam on the stand-in kernel32. */
class StandInCompletionHostileClientTest extends HostileClientContract {

    @Override
    protected PipeServerFactory factory() {
        return new CompletionPipeServerFactory();
    }
}
