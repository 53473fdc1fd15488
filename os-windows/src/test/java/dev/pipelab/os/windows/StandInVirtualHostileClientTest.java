package dev.pipelab.os.windows;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.HostileClientContract;
import dev.pipelab.virtual.VirtualPipeServerFactory;

/** The virtual engine against hostile clients, through the Windows seam on the stand-in kernel32. */
class StandInVirtualHostileClientTest extends HostileClientContract {

    @Override
    protected PipeServerFactory factory() {
        return new VirtualPipeServerFactory();
    }
}
