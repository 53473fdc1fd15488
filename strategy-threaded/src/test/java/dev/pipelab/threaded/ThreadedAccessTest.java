package dev.pipelab.threaded;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.AccessContract;

class ThreadedAccessTest extends AccessContract {

    @Override
    protected PipeServerFactory factory() {
        return new ThreadedPipeServerFactory();
    }
}
