package dev.pipelab.os.windows;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.HostileClientContract;
import dev.pipelab.virtual.VirtualPipeServerFactory;
import org.junit.jupiter.api.Tag;

/** The virtual engine against hostile clients, through the Windows seam on the stand-in kernel32. */
@Tag("windows-engines") // not yet passing: left out of mvn verify until it does (see the README)
class StandInVirtualHostileClientTest extends HostileClientContract {

    @Override
    protected PipeServerFactory factory() {
        return new VirtualPipeServerFactory();
    }
}
