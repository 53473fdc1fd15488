package dev.pipelab.overlapped;

import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.spi.os.PipeSystem;
import dev.pipelab.testsuite.PipeSystemContract;
import dev.pipelab.testsuite.fake.ScriptedClients;

/** The seam's contract on the scripted overlapped seam the state-machine tests run on: it must agree with the real one. */
class FakeSeamContractTest extends PipeSystemContract {

    private final FakePipeSystem seam = new FakePipeSystem();
    private int clients;

    @Override
    protected PipeSystem seam() {
        return seam;
    }

    @Override
    protected boolean serves(Style style) {
        return style == Style.OVERLAPPED;
    }

    @Override
    protected TestClient connectClient(PipeServerConfig config) {
        return ScriptedClients.connect(seam, "client" + clients++, WAIT);
    }

    @Override
    public String toString() {
        return "the scripted overlapped seam";
    }
}
