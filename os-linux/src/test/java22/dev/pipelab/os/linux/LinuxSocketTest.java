package dev.pipelab.os.linux;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipelab.api.PeerIdentity;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the blocking style's accepted socket waits: a platform thread in the kernel (recv and send
 * on a descriptor in blocking mode, the socket never in the poller's epoll set), ended by close and
 * shutdownInput; a virtual thread parked, the socket joining the epoll set at its first wait.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LinuxSocketTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private LinuxSocket listening;
    private SocketChannel client;
    private LinuxSocket server;
    private final ExecutorService platform = Executors.newSingleThreadExecutor();
    private final AtomicReference<Thread> caller = new AtomicReference<>();

    @BeforeEach
    void connect() throws IOException {
        Path path = dir.resolve("s.sock");
        listening = LinuxSocket.over(LinuxListenSocket.listen(path, 8), LinuxSocket.LISTENING, PeerIdentity.UNKNOWN);
        client = SocketChannel.open(StandardProtocolFamily.UNIX);
        client.connect(UnixDomainSocketAddress.of(path));
        server = LinuxSocket.accepted(listening.accept(), PeerIdentity.UNKNOWN);
    }

    @AfterEach
    void closeAll() throws IOException, InterruptedException {
        server.close();
        listening.close();
        client.close();
        platform.shutdownNow();
        assertThat(platform.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aPlatformThreadReadsAndWritesInTheKernelAndThePollerNeverHearsOfTheSocket() throws Exception {
        for (int round = 0; round < 3; round++) {
            int i = round;
            Future<String> read = onPlatformThread(() -> {
                ByteBuffer into = ByteBuffer.allocate(64);
                int n = server.read(into);
                return new String(into.array(), 0, n, UTF_8);
            });
            awaitIn("recvWaiting");
            client.write(ByteBuffer.wrap(("ping " + i).getBytes(UTF_8)));
            assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo("ping " + i);

            Future<Long> written = onPlatformThread(
                    () -> server.write(new ByteBuffer[] {ByteBuffer.wrap(("pong " + i).getBytes(UTF_8))}));
            assertThat(written.get(10, TimeUnit.SECONDS)).isEqualTo(6);
            assertThat(readFromClient(6)).isEqualTo("pong " + i);
        }
        assertThat(server.inPollerSet()).as("only a platform thread waited on it").isFalse();
    }

    @Test
    void closeEndsARecvWaitingInTheKernel() throws Exception {
        Future<Integer> read = onPlatformThread(() -> server.read(ByteBuffer.allocate(64)));
        awaitIn("recvWaiting");

        server.close();

        assertThat(failureOf(read)).isInstanceOf(AsynchronousCloseException.class);
        assertThat(client.read(ByteBuffer.allocate(8))).as("the descriptor is closed: the client reads the end").isEqualTo(-1);
    }

    @Test
    void shutdownInputEndsARecvWaitingInTheKernelWithTheEndOfTheStream() throws Exception {
        Future<Integer> read = onPlatformThread(() -> server.read(ByteBuffer.allocate(64)));
        awaitIn("recvWaiting");

        server.shutdownInput();

        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(-1);
        assertThat(server.read(ByteBuffer.allocate(64))).as("and every later read").isEqualTo(-1);
        assertThat(server.isOpen()).isTrue();
    }

    @Test
    void closeEndsASendWaitingInTheKernelForRoom() throws Exception {
        ByteBuffer[] big = {ByteBuffer.allocate(16 * 1024)};
        Future<Long> sending = onPlatformThread(() -> {
            while (true) { // the client reads nothing: the sends fill the socket, then one waits for room
                big[0].clear();
                server.write(big);
            }
        });
        awaitIn("sendWaiting");

        server.close();

        assertThat(failureOf(sending))
                .as("the send waiting fails, or, had it just returned, the next one")
                .isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void anInterruptedPlatformThreadsReadClosesTheSocketAsOnAJdkChannel() throws Exception {
        Future<Integer> read = onPlatformThread(() -> {
            Thread.currentThread().interrupt();
            return server.read(ByteBuffer.allocate(64));
        });

        assertThat(failureOf(read)).isInstanceOf(ClosedByInterruptException.class);
        assertThat(server.isOpen()).isFalse();
    }

    @Test
    void aVirtualThreadParksAndTheSocketJoinsThePollerAtItsFirstWait() throws Exception {
        assertThat(server.inPollerSet()).isFalse();
        CompletableFuture<String> read = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                ByteBuffer into = ByteBuffer.allocate(64);
                int n = server.read(into);
                read.complete(new String(into.array(), 0, n, UTF_8));
            } catch (Throwable t) {
                read.completeExceptionally(t);
            }
        });
        await().atMost(WAIT).until(() -> LockSupport.getBlocker(reader) == server);
        assertThat(server.inPollerSet()).isTrue();

        client.write(ByteBuffer.wrap("ping".getBytes(UTF_8)));

        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo("ping");
        assertThat(reader.join(WAIT)).isTrue();
    }

    @Test
    void closeEndsAVirtualThreadsParkedReadWithAsynchronousClose() throws Exception {
        CompletableFuture<Integer> read = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                read.complete(server.read(ByteBuffer.allocate(64)));
            } catch (Throwable t) {
                read.completeExceptionally(t);
            }
        });
        await().atMost(WAIT).until(() -> LockSupport.getBlocker(reader) == server);

        server.close();

        assertThat(failureOf(read))
                .as("not the end of the stream the shutdown shows its recv")
                .isInstanceOf(AsynchronousCloseException.class);
        assertThat(reader.join(WAIT)).isTrue();
    }

    private <T> Future<T> onPlatformThread(java.util.concurrent.Callable<T> call) {
        return platform.submit(() -> {
            caller.set(Thread.currentThread());
            return call.call();
        });
    }

    /** Waits until the platform caller's stack is inside {@code LinuxSys.<method>}: in the kernel. */
    private void awaitIn(String method) {
        await().atMost(WAIT).until(() -> {
            Thread t = caller.get();
            return t != null
                    && Arrays.stream(t.getStackTrace())
                            .anyMatch(f -> f.getClassName().endsWith("LinuxSys") && f.getMethodName().equals(method));
        });
    }

    private static Throwable failureOf(Future<?> call) throws Exception {
        try {
            call.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the call returned instead of failing");
    }

    private String readFromClient(int bytes) throws IOException {
        ByteBuffer into = ByteBuffer.allocate(bytes);
        while (into.hasRemaining()) {
            if (client.read(into) < 0) {
                break;
            }
        }
        return new String(into.array(), 0, into.position(), UTF_8);
    }
}
