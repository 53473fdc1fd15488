package dev.pipelab.overlapped;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.HostileClientContract;

class OverlappedHostileClientTest extends HostileClientContract {

    @Override
    protected PipeServerFactory factory() {
        return new OverlappedPipeServerFactory();
    }
}
