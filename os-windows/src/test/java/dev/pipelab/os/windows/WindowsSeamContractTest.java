package dev.pipelab.os.windows;

import dev.pipelab.api.PipeClient;
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
        PipeClient client = PipeClient.connect(config.address(), WAIT).ioTimeout(WAIT);
        return new TestClient() {
            @Override
            public void send(String message) throws IOException {
                client.send(message);
            }

            @Override
            public String receive() throws IOException {
                return client.receiveText();
            }

            @Override
            public void close() throws IOException {
                client.close();
            }
        };
    }

    @Override
    public String toString() {
        return "the Windows seam on the stand-in kernel32";
    }
}
