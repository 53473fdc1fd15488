package dev.pipelab.virtual;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.AccessContract;

class VirtualAccessTest extends AccessContract {

    @Override
    protected PipeServerFactory factory() {
        return new VirtualPipeServerFactory();
    }
}
