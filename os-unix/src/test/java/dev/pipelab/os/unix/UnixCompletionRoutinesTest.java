package dev.pipelab.os.unix;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.protocol.Frames;
import dev.pipelab.spi.os.CompletionInstance;
import dev.pipelab.spi.os.CompletionPipe;
import dev.pipelab.spi.os.OverlappedInstance;
import dev.pipelab.spi.os.OverlappedPipe;
import dev.pipelab.spi.os.PipeEvent;
import java.io.Closeable;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Unix seam lets an operation of the completion style start again before the routine of the
 * last one has run (Windows does not: its operation is pending until then); each routine then
 * still runs once, in the wait, in order, with the outcome its own operation had.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UnixCompletionRoutinesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private CompletionPipe pipe;
    private CompletionInstance instance;
    private SocketChannel client;
    private final List<String> ran = new ArrayList<>();
    private final Deque<Closeable> opened = new ArrayDeque<>();

    @Test
    void readsThatFinishBeforeTheWaitEachBringTheirOwnMessage() throws IOException {
        connect();
        ByteBuffer all = ByteBuffer.allocate(256);
        for (int i = 0; i < 3; i++) {
            all.put(Frames.encode(("request " + i).getBytes(UTF_8)));
        }
        client.write(all.flip()); // one write: the first read takes all three
        instance.readFileEx(this::read);
        waitUntilRan(1);

        instance.readFileEx(this::read); // both finish at once, from what the first read took
        instance.readFileEx(this::read);
        assertThat(ran).as("no routine outside the wait").hasSize(1);
        waitUntilRan(3);

        assertThat(ran).containsExactly("read request 0", "read request 1", "read request 2");
    }

    @Test
    void writesThatFinishBeforeTheWaitEachBringTheirOwnRoutine() throws IOException {
        connect();
        for (String reply : List.of("one", "two")) {
            instance.writeFileEx(reply.getBytes(UTF_8), failure -> ran.add("wrote " + reply + " " + failure));
        }
        assertThat(ran).as("no routine outside the wait").isEmpty();
        waitUntilRan(2);
        instance.writeFileEx("three".getBytes(UTF_8), failure -> ran.add("wrote three " + failure));
        waitUntilRan(3);

        assertThat(ran).containsExactly("wrote one null", "wrote two null", "wrote three null");
        assertThat(ClientReplies.read(client, 3)) // blocking: bounded by the class's timeout
                .containsExactly("one", "two", "three");
    }

    @Test
    void anInstanceServesTheStyleOfThePipeThatMadeItAndSaysSoWhenAskedForTheOther() throws IOException {
        PipeServerConfig config =
                PipeServerConfig.builder(dir.resolve("styles.sock").toString()).build();
        pipe = opened(UnixPipeSystem.INSTANCE.createCompletionPipe(config));
        instance = opened(pipe.createInstance());
        OverlappedInstance asOverlapped = (OverlappedInstance) instance; // one class serves both styles

        assertThatThrownBy(asOverlapped::event)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("completion style has no event");
        assertThatThrownBy(asOverlapped::read)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("use its readFileEx");

        PipeServerConfig other = PipeServerConfig.builder(
                        dir.resolve("styles-overlapped.sock").toString())
                .build();
        OverlappedPipe overlapped = opened(UnixPipeSystem.INSTANCE.createOverlappedPipe(other));
        CompletionInstance asCompletion = (CompletionInstance) opened(overlapped.createInstance());
        assertThatThrownBy(() -> asCompletion.readFileEx(this::read))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("overlapped style completes through its event");
        assertThat(ran).as("no routine ran").isEmpty();
    }

    private void read(IOException failure, byte[] message) {
        ran.add(failure != null ? "failed " + failure : "read " + new String(message, UTF_8));
    }

    private void connect() throws IOException {
        PipeServerConfig config = PipeServerConfig.builder(
                        dir.resolve("routines.sock").toString())
                .build();
        pipe = opened(UnixPipeSystem.INSTANCE.createCompletionPipe(config));
        PipeEvent connected = pipe.createEvent(false);
        instance = opened(pipe.createInstance());
        assertThat(instance.connect(connected)).as("no client yet: pending").isFalse();
        client = opened(
                SocketChannel.open(UnixDomainSocketAddress.of(config.address().path())));
        assertThat(pipe.waitAlertable(connected, WAIT)).isEqualTo(CompletionPipe.WaitResult.SIGNALLED);
        assertThat(instance.getOverlappedResult()).isTrue();
    }

    private void waitUntilRan(int routines) throws IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        PipeEvent never = pipe.createEvent(false);
        while (ran.size() < routines && System.nanoTime() < deadline) {
            pipe.waitAlertable(never, WAIT);
        }
        assertThat(ran).as("routines run in the wait").hasSize(routines);
    }

    private <T extends Closeable> T opened(T resource) {
        opened.push(resource);
        return resource;
    }

    @AfterEach
    void closeEverything() throws IOException {
        for (Closeable c; (c = opened.poll()) != null; ) {
            c.close(); // the last opened first: the client, the instance, the pipe
        }
    }
}
