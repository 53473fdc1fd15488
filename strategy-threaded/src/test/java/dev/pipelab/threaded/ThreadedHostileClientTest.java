package dev.pipelab.threaded;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.HostileClientContract;

class ThreadedHostileClientTest extends HostileClientContract {

    @Override
    protected PipeServerFactory factory() {
        return new ThreadedPipeServerFactory();
    }
}
