package dev.pipelab.os.windows;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.PipeServerContract;
import dev.pipelab.virtual.VirtualPipeServerFactory;

/** The virtual engine's contract, through the Windows seam on the stand-in kernel32. */
class StandInVirtualContractTest extends PipeServerContract {

    @Override
    protected PipeServerFactory factory() {
        return new VirtualPipeServerFactory();
    }
}
