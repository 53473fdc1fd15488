package dev.pipelab.os.windows;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.HostileClientContract;
import dev.pipelab.threaded.ThreadedPipeServerFactory;

/** The threaded engine against hostile clients, through the Windows seam on the stand-in kernel32. */
class StandInThreadedHostileClientTest extends HostileClientContract {

    @Override
    protected PipeServerFactory factory() {
        return new ThreadedPipeServerFactory();
    }
}
