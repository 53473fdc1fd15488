package dev.pipelab.os.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java floor echoes whole frames as they came, closes only the client that breaks the rules, and stops clean. */
class FlatEchoFloorTest {

    @TempDir
    Path dir;

    private Path path;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final CompletableFuture<Void> served = new CompletableFuture<>();
    private Thread loop;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(new LinuxPipeSystemProvider().isAvailable(), "the native seam cannot run here");
        path = dir.resolve("floor.sock");
        CountDownLatch ready = new CountDownLatch(1);
        loop = Thread.ofPlatform().name("floor-under-test").start(() -> {
            try {
                FlatEchoFloor.serve(path, stop, ready::countDown);
                served.complete(null);
            } catch (Throwable t) {
                served.completeExceptionally(t);
            }
        });
        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @AfterEach
    void stopIt() throws Exception {
        if (loop == null) {
            return;
        }
        stop.set(true);
        served.get(10, TimeUnit.SECONDS); // rethrows what the loop threw
        loop.join(10_000);
        assertThat(loop.isAlive()).isFalse();
        assertThat(Files.exists(path)).as("the socket file is removed").isFalse();
    }

    @Test
    void echoesFramesCoalescedAndSplitAndClosesOnlyTheClientWithAFrameTooLarge() throws Exception {
        try (SocketChannel good = connect();
                SocketChannel bad = connect()) {
            ByteBuffer two = ByteBuffer.allocate(4 + 3 + 4 + 5)
                    .putInt(3)
                    .put("abc".getBytes())
                    .putInt(5)
                    .put("hello".getBytes())
                    .flip();
            writeAll(good, two.duplicate());
            assertThat(readExactly(good, two.remaining())).isEqualTo(two);

            ByteBuffer split =
                    ByteBuffer.allocate(4 + 2).putInt(2).put("xy".getBytes()).flip();
            writeAll(good, split.duplicate().limit(3)); // part of the length word: nothing can go back yet
            writeAll(good, split.duplicate().position(3));
            assertThat(readExactly(good, split.remaining())).isEqualTo(split);

            writeAll(
                    bad,
                    ByteBuffer.allocate(4).putInt(0, FlatEchoFloor.BUFFER_BYTES).slice());
            assertThat(CompletableFuture.supplyAsync(() -> readOrFail(bad)).get(10, TimeUnit.SECONDS))
                    .as("the end of the stream")
                    .isEqualTo(-1);

            writeAll(good, two.duplicate());
            assertThat(readExactly(good, two.remaining())).isEqualTo(two);
        }
    }

    private SocketChannel connect() throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(path));
        return ch;
    }

    private static void writeAll(SocketChannel ch, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            ch.write(bytes);
        }
    }

    private static ByteBuffer readExactly(SocketChannel ch, int bytes) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
                    ByteBuffer into = ByteBuffer.allocate(bytes);
                    while (into.hasRemaining()) {
                        if (readOrFail(ch, into) < 0) {
                            throw new IllegalStateException("closed after " + into.position() + " bytes");
                        }
                    }
                    return into.flip();
                })
                .get(10, TimeUnit.SECONDS);
    }

    private static int readOrFail(SocketChannel ch) {
        return readOrFail(ch, ByteBuffer.allocate(1));
    }

    private static int readOrFail(SocketChannel ch, ByteBuffer into) {
        try {
            return ch.read(into);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
