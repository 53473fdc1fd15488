package dev.pipelab.overlapped;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.AccessContract;

class OverlappedAccessTest extends AccessContract {

    @Override
    protected PipeServerFactory factory() {
        return new OverlappedPipeServerFactory();
    }
}
