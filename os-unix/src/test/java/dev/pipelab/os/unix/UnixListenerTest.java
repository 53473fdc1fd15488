package dev.pipelab.os.unix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.spi.os.NamedPipe;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listening socket holds a burst of connects, whatever {@code maxInstances} is: by default as
 * many as the system allows, or as many as {@code acceptBacklog} says. Clients connect without
 * waiting, as Python with a timeout, Node and Go do, and close at once; nobody accepts meanwhile,
 * so every one of them takes a place in the backlog.
 */
class UnixListenerTest {

    private static final Path SOMAXCONN = Path.of("/proc/sys/net/core/somaxconn");

    @TempDir
    Path dir;

    @Test
    void aBurstOfTwoThousandConnectsFitsTheDefaultBacklogWithOneInstance() throws IOException {
        assumeTrue(Files.isReadable(SOMAXCONN), "reads the system's maximum from " + SOMAXCONN + " (Linux)");
        int burst = Math.min(2_000, Integer.parseInt(Files.readString(SOMAXCONN).strip()));
        PipeServerConfig config = PipeServerConfig.builder(
                        dir.resolve("burst.sock").toString())
                .maxInstances(1)
                .build();
        try (NamedPipe pipe = UnixPipeSystem.INSTANCE.createNamedPipe(config)) {
            assertThat(pipe.isOpen())
                    .as("listening; its one instance never accepts")
                    .isTrue();
            assertThat(connectAndCloseInARow(config, burst))
                    .as("connects before the first busy one")
                    .isEqualTo(burst);
        }
    }

    @Test
    void aConfiguredBacklogHoldsThatManyAndThenTheServerIsBusy() throws IOException {
        PipeServerConfig config = PipeServerConfig.builder(
                        dir.resolve("small.sock").toString())
                .acceptBacklog(16)
                .build();
        try (NamedPipe pipe = UnixPipeSystem.INSTANCE.createNamedPipe(config)) {
            assertThat(pipe.isOpen()).as("listening, accepting nobody").isTrue();
            // Linux holds one more than the backlog it was given; macOS a little more than that
            assertThat(connectAndCloseInARow(config, 1_000))
                    .as("connects before the first busy one")
                    .isBetween(16, 64);
        }
    }

    /** How many of {@code n} connects in a row got in before one found the backlog full (EAGAIN). */
    private static int connectAndCloseInARow(PipeServerConfig config, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            SocketChannel ch = UnixClients.tryConnect(config.address());
            if (ch == null) {
                return i;
            }
            ch.close();
        }
        return n;
    }
}
