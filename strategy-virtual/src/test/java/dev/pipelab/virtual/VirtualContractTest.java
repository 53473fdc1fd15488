package dev.pipelab.virtual;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.PipeServerContract;

class VirtualContractTest extends PipeServerContract {

    @Override
    protected PipeServerFactory factory() {
        return new VirtualPipeServerFactory();
    }
}
