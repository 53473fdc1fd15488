package dev.pipelab.os.windows;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.completion.CompletionPipeServerFactory;
import dev.pipelab.testsuite.PipeServerContract;

/** The completion engine's contract, through the Windows seam on the stand-in kernel32. */
class StandInCompletionContractTest extends PipeServerContract {

    @Override
    protected PipeServerFactory factory() {
        return new CompletionPipeServerFactory();
    }
}
