package dev.pipelab.os.windows;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.PipeServerContract;
import dev.pipelab.threaded.ThreadedPipeServerFactory;

/** The threaded engine's contract, through the Windows seam on the stand-in kernel32. */
class StandInThreadedContractTest extends PipeServerContract {

    @Override
    protected PipeServerFactory factory() {
        return new ThreadedPipeServerFactory();
    }
}
