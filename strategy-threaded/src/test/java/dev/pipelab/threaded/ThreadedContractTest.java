package dev.pipelab.threaded;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.PipeServerContract;

class ThreadedContractTest extends PipeServerContract {

    @Override
    protected PipeServerFactory factory() {
        return new ThreadedPipeServerFactory();
    }
}
