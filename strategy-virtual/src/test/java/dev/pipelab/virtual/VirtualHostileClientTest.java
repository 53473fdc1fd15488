package dev.pipelab.virtual;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.HostileClientContract;

class VirtualHostileClientTest extends HostileClientContract {

    @Override
    protected PipeServerFactory factory() {
        return new VirtualPipeServerFactory();
    }
}
