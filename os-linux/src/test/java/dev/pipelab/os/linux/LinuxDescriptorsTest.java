package dev.pipelab.os.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipelab.api.PipeClient;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.api.handler.EchoHandler;
import dev.pipelab.completion.CompletionPipeServerFactory;
import dev.pipelab.overlapped.OverlappedPipeServerFactory;
import dev.pipelab.testsuite.TestPipes;
import dev.pipelab.threaded.ThreadedPipeServerFactory;
import dev.pipelab.virtual.VirtualPipeServerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every descriptor the native seam opens for a server and its clients is closed once they are:
 * the listening socket, each client's socket, the epoll instances and eventfds (the blocking
 * style's poller as well as the overlapped and completion styles' loop). Counted in
 * /proc/self/fd, after one warm-up round that lets the JVM open what it keeps for good (jars of
 * classes loaded late, its own pollers).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LinuxDescriptorsTest {

    private static final int CLIENTS = 20;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    static Stream<PipeServerFactory> engines() {
        return Stream.of(
                new ThreadedPipeServerFactory(),
                new VirtualPipeServerFactory(),
                new OverlappedPipeServerFactory(),
                new CompletionPipeServerFactory());
    }

    @BeforeEach
    void nativeSeamRunsHere() {
        NativeSeam.assumeSelected();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void aClosedServerAndItsClientsLeaveNoDescriptor(PipeServerFactory factory) throws Exception {
        serveAndClose(factory, "warm-up.sock");
        long before = openDescriptors();

        serveAndClose(factory, "counted.sock");

        // Closing is done when close returns, but a poller's thread closes its epoll instance as
        // it ends, which the close waits for only so long: a bounded wait, not a sleep.
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(openDescriptors())
                        .as("descriptors after %s and %d clients closed; %s", factory.key(), CLIENTS, descriptors())
                        .isLessThanOrEqualTo(before));
    }

    private void serveAndClose(PipeServerFactory factory, String leaf) throws IOException {
        PipeServerConfig config = PipeServerConfig.builder(TestPipes.spec(dir, leaf))
                .gracePeriod(Duration.ofSeconds(2))
                .build();
        PipeServer server = factory.create(config, new EchoHandler()).start();
        List<PipeClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(PipeClient.connect(server.address(), WAIT).ioTimeout(WAIT));
            }
            for (PipeClient c : clients) {
                assertThat(c.request("hello " + c)).as("%s", server).isEqualTo("hello " + c);
            }
            // half leave first, the others are there when the server closes
            for (int i = 0; i < CLIENTS / 2; i++) {
                clients.get(i).close();
            }
            await().atMost(WAIT).until(() -> server.stats().active() <= CLIENTS - CLIENTS / 2);
        } finally {
            server.close();
            for (PipeClient c : clients) {
                c.close();
            }
        }
        assertThat(Files.exists(config.address().path())).as("socket file left").isFalse();
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** What each open descriptor is, for the failure message. */
    private static List<String> descriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                        try {
                            return fd.getFileName() + "->" + Files.readSymbolicLink(fd);
                        } catch (IOException e) {
                            return fd.getFileName() + "->?";
                        }
                    })
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
