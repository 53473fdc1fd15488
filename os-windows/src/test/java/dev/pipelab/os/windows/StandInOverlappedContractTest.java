package dev.pipelab.os.windows;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.overlapped.OverlappedPipeServerFactory;
import dev.pipelab.testsuite.PipeServerContract;

/** The overlapped engine's contract, through the Windows seam on the stand-in kernel32. */
class StandInOverlappedContractTest extends PipeServerContract {

    @Override
    protected PipeServerFactory factory() {
        return new OverlappedPipeServerFactory();
    }
}
