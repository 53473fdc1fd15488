package dev.pipelab.os.windows;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.overlapped.OverlappedPipeServerFactory;
import dev.pipelab.testsuite.HostileClientContract;

/** The overlapped engine against hostile clients, through the Windows seam on the stand-in kernel32. */
class StandInOverlappedHostileClientTest extends HostileClientContract {

    @Override
    protected PipeServerFactory factory() {
        return new OverlappedPipeServerFactory();
    }
}
