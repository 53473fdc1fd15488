package dev.pipelab.testsuite;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.spi.os.CompletionInstance;
import dev.pipelab.spi.os.CompletionPipe;
import dev.pipelab.spi.os.NamedPipe;
import dev.pipelab.spi.os.OperationAbortedException;
import dev.pipelab.spi.os.OverlappedInstance;
import dev.pipelab.spi.os.OverlappedPipe;
import dev.pipelab.spi.os.PipeEvent;
import dev.pipelab.spi.os.PipeInstance;
import dev.pipelab.spi.os.PipeSystem;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of the OS seam itself, in the Win32 terms it speaks: every implementation keeps
 * it, the real ones (Unix; Windows) and the scripted fakes that the engines' state-machine tests
 * run on. Where a fake and a real seam disagree, the fake is wrong. Each test drives the seam by
 * hand from the test thread, which is the seam's loop thread, with clients the implementation
 * under test provides; a style the seam does not serve is skipped with that reason.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class PipeSystemContract {

    protected static final Duration WAIT = Duration.ofSeconds(10);

    /** The three I/O styles of the seam. */
    public enum Style {
        BLOCKING,
        OVERLAPPED,
        COMPLETION
    }

    /** A client of the pipe under test, speaking whole text messages. */
    public interface TestClient extends Closeable {

        /** Sends one message. */
        void send(String message) throws IOException;

        /** The next message, waiting at most {@link #WAIT}; null once the server has disconnected. */
        String receive() throws IOException;
    }

    @TempDir
    protected Path dir;

    private final List<Closeable> opened = new ArrayList<>();

    /** The seam under test, fresh for each test. */
    protected abstract PipeSystem seam();

    /** True if the seam under test serves {@code style}. */
    protected abstract boolean serves(Style style);

    /** A client that connects to the pipe of {@code config} now, or waits for its next connect. */
    protected abstract TestClient connectClient(PipeServerConfig config) throws IOException;

    /** A client of the real seams: PipeLab's own {@link dev.pipelab.api.PipeClient}, which waits while every instance is busy. */
    protected static TestClient pipeClient(PipeServerConfig config) throws IOException {
        dev.pipelab.api.PipeClient client =
                dev.pipelab.api.PipeClient.connect(config.address(), WAIT).ioTimeout(WAIT);
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

    // ---- the overlapped style

    @Test
    void startingAnOperationResetsItsEventAndFinishingItSetsIt() throws IOException {
        OverlappedPipe pipe = overlappedPipe();
        OverlappedInstance instance = track(pipe.createInstance());
        instance.event().set(); // as a finished operation would have left it

        assertThat(instance.connect())
                .as("nobody there yet: the connect is pending")
                .isFalse();
        assertThat(instance.event().isSet())
                .as("starting the connect reset the event")
                .isFalse();
        TestClient client = track(connectClient(config()));
        assertThat(pipe.waitForAny(List.of(instance), 0, WAIT))
                .as("the connect finished")
                .isZero();
        assertThat(instance.event().isSet()).as("finishing it set the event").isTrue();
        assertThat(instance.getOverlappedResult()).isTrue();

        assertThat(instance.read()).as("nothing sent yet: the read is pending").isFalse();
        assertThat(instance.event().isSet())
                .as("starting the read reset the event")
                .isFalse();
        client.send("hello");
        assertThat(pipe.waitForAny(List.of(instance), 0, WAIT))
                .as("the read finished")
                .isZero();
        assertThat(instance.getOverlappedResult()).isTrue();
        assertThat(text(instance.takeMessage())).isEqualTo("hello");
    }

    @Test
    void aClientThatCameBeforeConnectNamedPipeIsConnectedAtOnceAndTheEventStaysUnset() throws IOException {
        OverlappedPipe pipe = overlappedPipe();
        track(connectClient(config()));
        OverlappedInstance instance = track(pipe.createInstance());

        assertThat(instance.connect()).as("ERROR_PIPE_CONNECTED").isTrue();
        assertThat(instance.event().isSet())
                .as("no operation started, so none set the event: the caller does")
                .isFalse();
    }

    @Test
    void aFlushThenADisconnectDeliversEveryReplyThenTheEnd() throws IOException {
        OverlappedPipe pipe = overlappedPipe();
        OverlappedInstance instance = track(pipe.createInstance());
        TestClient client = track(connectClient(config()));
        finish(pipe, instance, instance.connect(), "the connect");
        for (String request : List.of("a", "b", "c")) {
            client.send(request);
        }
        for (String request : List.of("a", "b", "c")) {
            finish(pipe, instance, instance.read(), "the read of " + request);
            String message = text(instance.takeMessage());
            finish(
                    pipe,
                    instance,
                    instance.write(("reply " + message).getBytes(UTF_8)),
                    "the write of the reply to " + message);
        }

        // On Windows FlushFileBuffers returns once the client has read everything: it reads meanwhile.
        CompletableFuture<List<String>> received = receiveAllMeanwhile(client);
        finish(pipe, instance, instance.flush(), "the flush"); // FlushFileBuffers
        instance.disconnect(); // DisconnectNamedPipe

        assertThat(received).succeedsWithin(WAIT).isEqualTo(List.of("reply a", "reply b", "reply c"));
    }

    @Test
    void cancellingAPendingReadFinishesItAsAbortedAndLosesNothing() throws IOException {
        OverlappedPipe pipe = overlappedPipe();
        OverlappedInstance instance = track(pipe.createInstance());
        TestClient client = track(connectClient(config()));
        finish(pipe, instance, instance.connect(), "the connect");
        assertThat(instance.read()).as("nothing sent yet").isFalse();

        instance.cancelIo(); // CancelIoEx

        assertThat(instance.event().isSet())
                .as("the aborted read set its event")
                .isTrue();
        assertThatThrownBy(instance::getOverlappedResult).isInstanceOf(OperationAbortedException.class);
        client.send("after");
        finish(pipe, instance, instance.read(), "the read after the cancelled one");
        assertThat(text(instance.takeMessage())).isEqualTo("after");
    }

    @Test
    void stoppingAcceptingFailsAPendingConnectAndSetsItsEvent() throws IOException {
        OverlappedPipe pipe = overlappedPipe();
        OverlappedInstance instance = track(pipe.createInstance());
        assertThat(instance.connect()).isFalse();

        pipe.stopAccepting();

        assertThat(instance.event().isSet())
                .as("the failed connect set its event")
                .isTrue();
        assertThatThrownBy(instance::getOverlappedResult).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void theWaitMapsAnEventToItsInstanceByCreationOrderAndRefusesAnyOtherOrder() throws IOException {
        OverlappedPipe pipe = overlappedPipe();
        OverlappedInstance first = track(pipe.createInstance());
        OverlappedInstance second = track(pipe.createInstance());
        assertThat(first.connect()).isFalse();
        assertThat(second.connect()).isFalse();
        track(connectClient(config())); // completes the connect pending longest: the first

        assertThatThrownBy(() -> pipe.waitForAny(List.of(second, first), 0, WAIT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("order they were created");
        assertThat(pipe.waitForAny(List.of(first, second), 0, WAIT)).isZero();
    }

    @Test
    void onlyTheThreadThatWaitsMayUseTheInstances() throws Exception {
        OverlappedPipe pipe = overlappedPipe();
        OverlappedInstance instance = track(pipe.createInstance()); // the test thread is the loop now
        assertThat(instance.connect()).isFalse();

        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
            try {
                instance.read();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        assertThatThrownBy(() -> other.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    // ---- the completion style

    @Test
    void routinesAndApcsRunOnlyOnTheAlertableThreadAndOnlyInsideItsWait() throws Exception {
        CompletionPipe pipe = completionPipe();
        PipeEvent connectEvent = pipe.createEvent(false);
        TestClient client = track(connectClient(config()));
        CompletionInstance instance = track(pipe.createInstance());
        assertThat(instance.connect(connectEvent))
                .as("the client came first: ERROR_PIPE_CONNECTED")
                .isTrue();
        client.send("now");
        Thread loop = Thread.currentThread();
        boolean[] inWait = {false};
        List<String> ran = new ArrayList<>();

        instance.readFileEx((failure, message) -> ran.add("routine " + (failure == null ? text(message) : failure)
                + (Thread.currentThread() == loop ? " on the loop" : " elsewhere")
                + (inWait[0] ? " in the wait" : "")));
        Thread foreign = Thread.ofPlatform()
                .start(() -> pipe.queueUserApc(
                        () -> ran.add("apc" + (Thread.currentThread() == loop ? " on the loop" : " elsewhere")
                                + (inWait[0] ? " in the wait" : ""))));
        foreign.join(WAIT.toMillis());
        assertThat(ran).as("nothing runs outside the alertable wait").isEmpty();

        long deadline = System.nanoTime() + WAIT.toNanos();
        while (ran.size() < 2 && System.nanoTime() < deadline) {
            inWait[0] = true;
            try {
                assertThat(pipe.waitAlertable(connectEvent, WAIT)).isNotEqualTo(CompletionPipe.WaitResult.SIGNALLED);
            } finally {
                inWait[0] = false;
            }
        }

        assertThat(ran).containsExactlyInAnyOrder("routine now on the loop in the wait", "apc on the loop in the wait");
    }

    @Test
    void routinesAndApcsComeBeforeASignalledEventAndTheEventStaysSet() throws IOException {
        CompletionPipe pipe = completionPipe();
        PipeEvent event = pipe.createEvent(true);
        List<String> ran = new ArrayList<>();
        pipe.queueUserApc(() -> ran.add("apc"));

        assertThat(pipe.waitAlertable(event, WAIT))
                .as("an APC was queued")
                .isEqualTo(CompletionPipe.WaitResult.IO_COMPLETION);
        assertThat(ran).containsExactly("apc");
        assertThat(event.isSet()).as("the event is still there to look at").isTrue();
        assertThat(pipe.waitAlertable(event, WAIT)).isEqualTo(CompletionPipe.WaitResult.SIGNALLED);
    }

    @Test
    void aCompletionConnectWithTheClientThereLeavesTheEventUnsetAndStopAcceptingFailsAPendingOne() throws IOException {
        CompletionPipe pipe = completionPipe();
        PipeEvent event = pipe.createEvent(true);
        track(connectClient(config()));
        CompletionInstance first = track(pipe.createInstance());
        assertThat(first.connect(event)).as("ERROR_PIPE_CONNECTED").isTrue();
        assertThat(event.isSet())
                .as("the connect reset the event and set nothing")
                .isFalse();

        CompletionInstance second = track(pipe.createInstance());
        assertThat(second.connect(event)).as("nobody else there: pending").isFalse();
        pipe.stopAccepting();
        assertThat(event.isSet()).as("the failed connect set the event").isTrue();
        assertThatThrownBy(second::getOverlappedResult).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void aCompletionFlushThenCloseDeliversEveryReplyThenTheEnd() throws IOException {
        CompletionPipe pipe = completionPipe();
        PipeEvent event = pipe.createEvent(false);
        TestClient client = track(connectClient(config()));
        CompletionInstance instance = track(pipe.createInstance());
        assertThat(instance.connect(event)).isTrue();
        for (String request : List.of("a", "b", "c")) {
            client.send(request);
        }
        List<String> done = new ArrayList<>();
        for (String request : List.of("a", "b", "c")) {
            AtomicReference<String> read = new AtomicReference<>();
            instance.readFileEx((failure, message) -> read.set(failure == null ? text(message) : failure.toString()));
            alertableUntil(pipe, event, () -> read.get() != null, "the read of " + request);
            assertThat(read.get()).isEqualTo(request);
            instance.writeFileEx(("reply " + request).getBytes(UTF_8), failure -> done.add("written " + failure));
            alertableUntil(
                    pipe,
                    event,
                    () -> done.size() == List.of("a", "b", "c").indexOf(request) + 1,
                    "the write of the reply to " + request);
        }

        CompletableFuture<List<String>> received = receiveAllMeanwhile(client); // as a flush on Windows needs
        instance.flushEx(failure -> done.add("flushed " + failure));
        alertableUntil(pipe, event, () -> done.size() == 4, "the flush");
        instance.close();

        assertThat(done).containsExactly("written null", "written null", "written null", "flushed null");
        assertThat(received).succeedsWithin(WAIT).isEqualTo(List.of("reply a", "reply b", "reply c"));
    }

    // ---- the blocking style

    @Test
    void aBlockingFlushThenCloseDeliversEveryReplyThenTheEnd() throws IOException {
        NamedPipe pipe = namedPipe();
        TestClient client = track(connectClient(config()));
        PipeInstance instance = track(pipe.createInstance());
        instance.connect();
        for (String request : List.of("a", "b", "c")) {
            client.send(request);
        }
        for (String request : List.of("a", "b", "c")) {
            assertThat(text(instance.readMessage())).isEqualTo(request);
            instance.writeMessage(("reply " + request).getBytes(UTF_8));
        }

        CompletableFuture<List<String>> received = receiveAllMeanwhile(client); // as a flush on Windows needs
        assertThat(instance.flush(WAIT)).as("flushed within %s", WAIT).isTrue();
        instance.close();

        assertThat(received).succeedsWithin(WAIT).isEqualTo(List.of("reply a", "reply b", "reply c"));
    }

    @Test
    void aBlockingConnectFailsOnceThePipeIsClosedAndACancelledReadReturnsNothing() throws Exception {
        NamedPipe pipe = namedPipe();
        PipeInstance waiting = track(pipe.createInstance());
        CompletableFuture<Void> connect = CompletableFuture.runAsync(() -> {
            try {
                waiting.connect(); // ConnectNamedPipe: nobody comes
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        pipe.close();
        assertThatThrownBy(() -> connect.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .hasRootCauseInstanceOf(ClosedChannelException.class);
        waiting.close(); // on Windows the name lives until its last instance is closed

        NamedPipe second = namedPipe();
        track(connectClient(config()));
        PipeInstance instance = track(second.createInstance());
        instance.connect();
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return instance.readMessage(); // ReadFile: the client sends nothing
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        instance.cancelRead(); // CancelIoEx
        assertThat(read.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("a cancelled read returns nothing")
                .isNull();
    }

    // ---- helpers

    private PipeServerConfig config() {
        return PipeServerConfig.builder(TestPipes.spec(dir, "seam.sock")).build();
    }

    private OverlappedPipe overlappedPipe() throws IOException {
        assumeTrue(serves(Style.OVERLAPPED), this + " does not serve the overlapped style");
        return track(seam().createOverlappedPipe(config()));
    }

    private CompletionPipe completionPipe() throws IOException {
        assumeTrue(serves(Style.COMPLETION), this + " does not serve the completion style");
        return track(seam().createCompletionPipe(config()));
    }

    private NamedPipe namedPipe() throws IOException {
        assumeTrue(serves(Style.BLOCKING), this + " does not serve the blocking style");
        return track(seam().createNamedPipe(config()));
    }

    /**
     * The end of the operation just started on {@code instance}, which must finish well: at once
     * (then GetOverlappedResult says so), or later, which the wait brings.
     */
    private static void finish(OverlappedPipe pipe, OverlappedInstance instance, boolean finishedAtOnce, String what)
            throws IOException {
        if (finishedAtOnce) {
            assertThat(instance.getOverlappedResult())
                    .as("%s finished at once", what)
                    .isTrue();
            return;
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!instance.getOverlappedResult()) {
            assertThat(System.nanoTime() - deadline)
                    .as("%s finished within %s", what, WAIT)
                    .isNegative();
            pipe.waitForAny(List.of(instance), 0, WAIT);
        }
    }

    /** Waits alertably until {@code done}; the routines it waits for run inside these waits. */
    private static void alertableUntil(CompletionPipe pipe, PipeEvent event, BooleanSupplier done, String what)
            throws IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline)
                    .as("%s finished within %s", what, WAIT)
                    .isNegative();
            pipe.waitAlertable(event, WAIT);
        }
    }

    /** {@link #receiveAll} on another thread, started now. */
    private static CompletableFuture<List<String>> receiveAllMeanwhile(TestClient client) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return receiveAll(client);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static List<String> receiveAll(TestClient client) throws IOException {
        List<String> messages = new ArrayList<>();
        for (String m; (m = client.receive()) != null; ) {
            messages.add(m);
        }
        return messages;
    }

    private static String text(byte[] message) {
        return new String(message, UTF_8);
    }

    private <C extends Closeable> C track(C closeable) {
        opened.add(closeable);
        return closeable;
    }

    @AfterEach
    void closeEverything() throws IOException {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }
}
