package dev.pipelab.os.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.spi.os.ClientEnd;
import dev.pipelab.spi.os.NamedPipe;
import dev.pipelab.spi.os.PipeInstance;
import dev.pipelab.testsuite.TestPipes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blocking style's pipe keeps its name while the server runs: an engine closes an instance
 * when its client is done and creates the next, and on Windows the name lives only while an
 * instance does.
 */
class WindowsNamedPipeTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final WindowsPipeSystem SEAM = StandInPipeSystemProvider.SEAM;

    @TempDir
    Path dir;

    @Test
    void theNameOutlivesEveryClosedInstanceAndAWaitingClientIsServedByTheNext() throws Exception {
        PipeServerConfig config =
                PipeServerConfig.builder(TestPipes.spec(dir, "kept")).build();
        NamedPipe pipe = SEAM.createNamedPipe(config);
        ExecutorService clients = Executors.newSingleThreadExecutor(); // a platform thread: it waits in WaitNamedPipe
        try {
            PipeInstance only = pipe.createInstance();
            try (ClientEnd first = SEAM.connectClient(config.address(), WAIT)) {
                only.connect();
                assertThat(first.isOpen()).isTrue();
            }
            only.close(); // the only instance, done with its client

            assertThatThrownBy(() -> SEAM.createNamedPipe(config))
                    .as("another server claiming the name between two clients")
                    .hasMessageContaining("already in use by a running server");
            CompletableFuture<Thread> clientThread = new CompletableFuture<>();
            Future<String> waiting = clients.submit(() -> {
                clientThread.complete(Thread.currentThread());
                try (ClientEnd c = SEAM.connectClient(config.address(), WAIT)) {
                    ByteBuffer in = ByteBuffer.allocate(16);
                    int n = c.read(in, System.nanoTime() + WAIT.toNanos());
                    return new String(in.array(), 0, Math.max(n, 0), StandardCharsets.US_ASCII);
                }
            });

            assertThat(StandInPipeSystemProvider.KERNEL.awaitBlocked(
                            clientThread.get(WAIT.toSeconds(), TimeUnit.SECONDS), WAIT))
                    .as("a client, told the pipe is busy (not gone), waits in WaitNamedPipe")
                    .isTrue();
            PipeInstance next = pipe.createInstance();
            next.connect();
            next.writeMessage("hi".getBytes(StandardCharsets.US_ASCII));
            assertThat(waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("the waiting client, served by the next instance")
                    .endsWith("hi");
            next.close();
        } finally {
            pipe.close();
            clients.shutdownNow();
            assertThat(clients.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isTrue();
        }
        SEAM.createNamedPipe(config).close(); // closed, the pipe frees its name
    }
}
