package dev.pipelab.os.windows;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.HostileClientContract;
import dev.pipelab.threaded.ThreadedPipeServerFactory;
import org.junit.jupiter.api.Tag;

/** The threaded engine against hostile clients, through the Windows seam on the stand-in kernel32. */
@Tag("windows-engines") // not yet passing: left out of mvn verify until it does (see the README)
class StandInThreadedHostileClientTest extends HostileClientContract {

    @Override
    protected PipeServerFactory factory() {
        return new ThreadedPipeServerFactory();
    }
}
