package dev.pipelab.os.linux;

import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.spi.os.PipeSystem;
import dev.pipelab.testsuite.PipeSystemContract;
import java.io.IOException;
import org.junit.jupiter.api.BeforeEach;

/** The seam's contract on the native seam, with real AF_UNIX clients; skipped, with the cause, where it cannot run. */
class LinuxPipeSystemContractTest extends PipeSystemContract {

    @BeforeEach
    void nativeSeamRunsHere() {
        NativeSeam.assumeSelected();
    }

    @Override
    protected PipeSystem seam() {
        return NativeSeam.PROVIDER.pipeSystem();
    }

    @Override
    protected boolean serves(Style style) {
        return true; // the blocking style is the NIO seam's, under the native seam's name
    }

    @Override
    protected TestClient connectClient(PipeServerConfig config) throws IOException {
        return pipeClient(config);
    }

    @Override
    public String toString() {
        return "the native seam";
    }
}
