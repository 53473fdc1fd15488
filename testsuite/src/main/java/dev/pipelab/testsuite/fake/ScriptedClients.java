package dev.pipelab.testsuite.fake;

import static org.awaitility.Awaitility.await;

import dev.pipelab.testsuite.PipeSystemContract;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link ScriptedClient} as the seam contract's client: what it sends, the frames written to it. */
public final class ScriptedClients {

    private ScriptedClients() {}

    /** A client of {@code seam} that connects now, or waits in its backlog for the next connect. */
    public static PipeSystemContract.TestClient connect(ScriptedSeam seam, String name, Duration wait) {
        ScriptedClient client = seam.clientConnects(name);
        AtomicInteger next = new AtomicInteger();
        return new PipeSystemContract.TestClient() {
            @Override
            public void send(String message) {
                client.sends(message);
            }

            @Override
            public String receive() {
                await().atMost(wait).until(() -> client.received().size() > next.get() || client.wasDisconnected());
                return client.received().size() > next.get() ? client.received().get(next.getAndIncrement()) : null;
            }

            @Override
            public void close() {
                // a scripted client holds nothing
            }
        };
    }
}
