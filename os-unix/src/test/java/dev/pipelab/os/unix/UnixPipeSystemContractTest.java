package dev.pipelab.os.unix;

import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.spi.os.PipeSystem;
import dev.pipelab.testsuite.PipeSystemContract;
import java.io.IOException;

/** The seam's contract on the Unix seam, with real AF_UNIX clients. */
class UnixPipeSystemContractTest extends PipeSystemContract {

    @Override
    protected PipeSystem seam() {
        return UnixPipeSystem.INSTANCE;
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
        return "the Unix seam";
    }
}
