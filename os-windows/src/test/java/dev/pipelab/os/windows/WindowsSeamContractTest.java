package dev.pipelab.os.windows;

import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.spi.os.PipeSystem;
import dev.pipelab.testsuite.PipeSystemContract;
import java.io.IOException;

/** The seam's contract on the Windows seam, run on the stand-in kernel32 with the seam's own clients. */
class WindowsSeamContractTest extends PipeSystemContract {

    @Override
    protected PipeSystem seam() {
        return StandInPipeSystemProvider.SEAM;
    }

    @Override
    protected boolean serves(Style style) {
        return true;
    }

    @Override
    protected TestClient connectClient(PipeServerConfig config) throws IOException {
        return pipeClient(config);
    }

    @Override
    public String toString() {
        return "the Windows seam on the stand-in kernel32";
    }
}
