package dev.pipelab.overlapped;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.PipeServerContract;

class OverlappedContractTest extends PipeServerContract {

    @Override
    protected PipeServerFactory factory() {
        return new OverlappedPipeServerFactory();
    }
}
