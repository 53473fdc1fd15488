package dev.pipelab.completion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelab.completion.FakePipeSystem.Call;
import dev.pipelab.testsuite.fake.RecordingHandler;
import dev.pipelab.testsuite.fake.ScriptedClient;
import dev.pipelab.testsuite.fake.StateMachineSupport;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The completion engine's chain of routines against a scripted seam ({@link FakePipeSystem}):
 * each test plays clients step by step and checks the exact calls the engine makes on each
 * instance and the routines the seam runs, as the SDK's completion-routine sample would: the
 * connect (pending, or a client already there), read routine -> handler -> WriteFileEx -> write
 * routine -> ReadFileEx, errors in routines and at once, pushes written while a read is
 * outstanding, the maxInstances limit, and a close that reaches the loop as an APC. The fake runs
 * routines only inside the loop's alertable wait, as Windows does.
 */
class CompletionStateMachineTest extends StateMachineSupport<FakePipeSystem> {

    private static final String LOOP_THREAD = "pipelab-completion-loop";

    CompletionStateMachineTest() {
        super(new FakePipeSystem(), CompletionPipeServerFactory::new);
        handler = inRoutines(RecordingHandler.echo(LOOP_THREAD));
    }

    // ---- the connect

    @Test
    void aPendingConnectThatCompletesStartsTheSessionWithAReadAndTheNextInstance() throws IOException {
        start(4);
        expectCalls(0, "connect -> pending");
        assertThat(seam.log())
                .as(this::describe)
                .startsWith("createEvent(true)", "createInstance -> #0", "#0 connect -> pending");

        seam.clientConnects("alice");
        expectCalls(0, "getOverlappedResult -> true", "readFileEx -> pending");
        expectCalls(1, "connect -> pending");
        assertThat(seam.log())
                .as(this::describe)
                .containsSubsequence(
                        "waitAlertable -> SIGNALLED",
                        "event.reset",
                        "#0 getOverlappedResult -> true",
                        "#0 readFileEx -> pending",
                        "createInstance -> #1",
                        "#1 connect -> pending");
        assertThat(handler.events()).as(this::describe).containsExactly("connect alice");
    }

    @Test
    void aClientThatCameBeforeConnectNamedPipeIsConnectedAndTheEngineSignalsTheEventItself() throws IOException {
        ScriptedClient alice = seam.clientConnects("alice"); // waits in the backlog, its request already sent
        alice.sends("early");
        start(4);
        // ERROR_PIPE_CONNECTED sets no event: the engine does, and the wait reports it. Nothing
        // was pending, so there is no GetOverlappedResult before the first read.
        expectCalls(
                0,
                "connect -> connected",
                "readFileEx -> done",
                "routine read(early)",
                "writeFileEx(early) -> done",
                "routine write(ok)",
                "readFileEx -> pending");
        assertThat(seam.log())
                .as(this::describe)
                .containsSubsequence(
                        "#0 connect -> connected",
                        "event.set",
                        "waitAlertable -> SIGNALLED",
                        "event.reset",
                        "#0 readFileEx -> done");
        // The read finished at once, yet its routine waited for the next alertable wait.
        assertThat(seam.log())
                .as(this::describe)
                .containsSubsequence(
                        "#0 readFileEx -> done",
                        "createInstance -> #1",
                        "#1 connect -> pending",
                        "#0 routine read(early)");
        assertThat(alice.received()).as(this::describe).containsExactly("early");
    }

    // ---- the chain of routines

    @Test
    void aRequestRunsTheChainReadRoutineHandlerWriteFileExWriteRoutineReadFileEx() throws IOException {
        start(4);
        ScriptedClient alice = connectedAndReading("alice", 0);
        alice.holdsWrites();
        alice.sends("hello");
        expectCalls(0, "routine read(hello)", "writeFileEx(hello) -> pending");
        assertThat(handler.events()).as(this::describe).containsExactly("connect alice", "message alice: hello");

        alice.finishesWrite();
        expectCalls(0, "routine write(ok)", "readFileEx -> pending");
        assertThat(alice.received()).as(this::describe).containsExactly("hello");
        // Each routine ran inside an alertable wait, which then returned WAIT_IO_COMPLETION.
        assertThat(seam.log())
                .as(this::describe)
                .containsSubsequence(
                        "#0 routine read(hello)",
                        "#0 writeFileEx(hello) -> pending",
                        "waitAlertable -> IO_COMPLETION",
                        "#0 routine write(ok)",
                        "#0 readFileEx -> pending",
                        "waitAlertable -> IO_COMPLETION");
        assertThat(server.stats().messagesIn()).as(this::describe).isEqualTo(1);
        assertThat(server.stats().messagesOut()).as(this::describe).isEqualTo(1);
    }

    @Test
    void anEndOfFileInTheReadRoutineClosesTheInstanceAndTheNextClientTakesAnother() throws IOException {
        start(4);
        ScriptedClient alice = connectedAndReading("alice", 0);
        alice.closesItsEnd();
        expectCalls(0, "routine read(EOFException)", "flushEx -> done", "routine flush(ok)", "close");
        assertThat(alice.wasDisconnected()).as(this::describe).isTrue();
        assertThat(handler.events()).as(this::describe).containsExactly("connect alice", "disconnect alice");

        ScriptedClient bob = connectedAndReading("bob", 1); // instances are not reused
        bob.sends("ping");
        expectEcho(1, "ping");
        assertThat(seam.callsOn(0)).as("#0 is done with; %s", describe()).endsWith("close");
    }

    @Test
    void aWriteRoutineReportingFailureClosesTheInstance() throws IOException {
        start(4);
        ScriptedClient alice = connectedAndReading("alice", 0);
        alice.holdsWrites();
        alice.sends("x");
        expectCalls(0, "routine read(x)", "writeFileEx(x) -> pending");

        alice.failsWrite(new IOException("ERROR_BROKEN_PIPE"));
        expectCalls(0, "routine write(IOException)", "close");
        assertThat(handler.events())
                .as(this::describe)
                .containsExactly("connect alice", "message alice: x", "disconnect alice");
        assertThat(alice.received()).as(this::describe).isEmpty();
    }

    @Test
    void aBrokenFrameIsAnsweredWithAnErrorFrameThenTheInstanceIsClosed() throws IOException {
        String reason = "message of 2000000 bytes exceeds maxMessageBytes=1048576";
        start(4);
        ScriptedClient alice = connectedAndReading("alice", 0);
        alice.sendsBrokenFrame(reason);
        expectCalls(
                0,
                "routine read(ProtocolException)",
                "writeErrorEx(" + reason + ") -> done",
                "routine write(ok)",
                "flushEx -> done",
                "routine flush(ok)",
                "close"); // FlushFileBuffers, then DisconnectNamedPipe
        assertThat(alice.received()).as(this::describe).containsExactly("error: " + reason);
        assertThat(handler.events()).as(this::describe).containsExactly("connect alice", "disconnect alice");
        assertThat(server.stats().errorFrames()).as(this::describe).isEqualTo(1);
    }

    // ---- I/O failing at once

    @Test
    void aReadFileExThatFailsAtOnceClosesTheInstance() throws IOException {
        seam.failNext(Call.READ_FILE_EX, new IOException("ERROR_BROKEN_PIPE"));
        start(4);
        expectCalls(0, "connect -> pending");
        seam.clientConnects("alice");
        expectCalls(0, "getOverlappedResult -> true", "readFileEx -> IOException", "close");
        assertThat(handler.events()).as(this::describe).containsExactly("connect alice", "disconnect alice");

        expectCalls(1, "connect -> pending"); // the server carries on
        ScriptedClient bob = seam.clientConnects("bob");
        bob.sends("ping");
        eventually()
                .untilAsserted(
                        () -> assertThat(bob.received()).as(this::describe).containsExactly("ping"));
    }

    @Test
    void aConnectStartedWhileTheFirstReadFailsIsFinishedWithGetOverlappedResult() throws IOException {
        seam.failNext(Call.READ_FILE_EX, new IOException("ERROR_BROKEN_PIPE"));
        start(4);
        expectCalls(0, "connect -> pending");
        seam.clientConnects("alice");
        expectCalls(0, "getOverlappedResult -> true", "readFileEx -> IOException", "close");
        // Closing #0 started #1's connect, and it is pending: when the event fires, the engine
        // must ask GetOverlappedResult how it ended, as for any pending connect.
        connectedAndReading("bob", 1);
    }

    @Test
    void aWriteFileExThatFailsAtOnceClosesTheInstance() throws IOException {
        seam.failNext(Call.WRITE_FILE_EX, new IOException("ERROR_NO_DATA"));
        start(4);
        ScriptedClient alice = connectedAndReading("alice", 0);
        alice.sends("x");
        expectCalls(0, "routine read(x)", "writeFileEx(x) -> IOException", "close");
        assertThat(handler.events())
                .as(this::describe)
                .containsExactly("connect alice", "message alice: x", "disconnect alice");
    }

    @Test
    void aConnectThatFailsAtOnceDoesNotStopTheServerAccepting() throws IOException {
        // ConnectNamedPipe can fail for one client while the pipe stays open: ERROR_NO_DATA when
        // a client came and left before the call, or accept(2) failing with ECONNABORTED or
        // EMFILE on Unix.
        seam.failNext(Call.CONNECT, new IOException("ERROR_NO_DATA"));
        start(4);
        expectCalls(0, "connect -> IOException", "close");

        aClientArrivingAfterAFailedConnectIsServed("alice");
    }

    // ---- pushes: full duplex

    @Test
    void aPushFromAnotherThreadIsWrittenAtOnceWhileTheReadStaysOutstanding() throws IOException {
        start(4);
        ScriptedClient alice = connectedAndReading("alice", 0);

        push("alice", "news");
        // QueueUserAPC brings the push to the loop; it is written at once, and the outstanding
        // read is neither cancelled nor started again.
        expectCalls(0, "writeFileEx(news) -> done", "routine write(ok)");
        assertThat(seam.log())
                .as(this::describe)
                .containsSubsequence("queueUserApc (off the loop)", "apc", "#0 writeFileEx(news) -> done");
        assertThat(alice.received()).as(this::describe).containsExactly("news");

        alice.sends("request"); // completes the read that was outstanding all along
        expectEcho(0, "request");
        assertThat(alice.received()).as(this::describe).containsExactly("news", "request");
    }

    @Test
    void aBroadcastFromAnotherSessionIsWrittenWhileTheTargetsReadIsOutstanding() throws IOException {
        handler = inRoutines(RecordingHandler.broadcast(LOOP_THREAD));
        start(4);
        ScriptedClient alice = connectedAndReading("alice", 0);
        ScriptedClient bob = connectedAndReading("bob", 1);

        alice.sends("e2e4");
        expectCalls(0, "routine read(e2e4)", "readFileEx -> pending"); // no reply to the sender
        expectCalls(1, "writeFileEx(e2e4) -> done", "routine write(ok)");
        assertThat(bob.received()).as(this::describe).containsExactly("e2e4");
        assertThat(alice.received()).as(this::describe).isEmpty();
    }

    // ---- the limit

    @Test
    void withMaxInstancesConnectedNoNewInstanceIsCreatedUntilASessionEnds() throws IOException {
        start(2);
        ScriptedClient alice = connectedAndReading("alice", 0);
        ScriptedClient bob = connectedAndReading("bob", 1);
        ScriptedClient carol = seam.clientConnects("carol");
        bob.sends("ping");
        expectEcho(1, "ping"); // the loop has gone round since bob connected
        assertThat(carol.instance())
                .as("two connected, maxInstances=2: carol waits; %s", describe())
                .isEqualTo(-1);
        assertThat(seam.instancesCreated()).as(this::describe).isEqualTo(2);

        alice.closesItsEnd();
        expectCalls(0, "routine read(EOFException)", "flushEx -> done", "routine flush(ok)", "close");
        // The freed place gets a new instance, whose ConnectNamedPipe finds carol already there;
        // the loop finds the event set as soon as the routines of that wait have run.
        expectCalls(2, "connect -> connected", "readFileEx -> pending");
        assertThat(seam.log())
                .as(this::describe)
                .containsSubsequence(
                        "#0 close",
                        "createInstance -> #2",
                        "#2 connect -> connected",
                        "event.set",
                        "waitAlertable -> IO_COMPLETION",
                        "#2 readFileEx -> pending");
        carol.sends("at last");
        expectEcho(2, "at last");
        assertThat(seam.instancesCreated()).as(this::describe).isEqualTo(3);
    }

    @Test
    void aConnectStartedWhenASessionEndsIsFinishedWithGetOverlappedResultBeforeItCountsAsAClient() throws Exception {
        start(2);
        ScriptedClient alice = connectedAndReading("alice", 0);
        ScriptedClient bob = connectedAndReading("bob", 1); // maxInstances reached: no instance waits
        alice.closesItsEnd();
        expectCalls(0, "routine read(EOFException)", "flushEx -> done", "routine flush(ok)", "close");
        expectCalls(2, "connect -> pending"); // the freed place: nobody is waiting yet
        bob.holdsWrites();
        bob.sends("last");
        expectCalls(1, "routine read(last)", "writeFileEx(last) -> pending");

        // Closing fails #2's pending connect, which sets the connect event: the engine must ask
        // GetOverlappedResult how the connect ended before it takes #2 for a client.
        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        eventually()
                .untilAsserted(() -> assertThat(seam.log()).as(this::describe).contains("stopAccepting"));
        bob.finishesWrite();
        closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(handler.events())
                .as("only real clients connect; %s", describe())
                .filteredOn(e -> e.startsWith("connect "))
                .containsExactly("connect alice", "connect bob");
        assertThat(server.stats().accepted()).as(this::describe).isEqualTo(2);
        assertThat(seam.callsOn(2))
                .as(this::describe)
                .containsExactly("connect -> pending", "getOverlappedResult -> ClosedChannelException", "close");
    }

    // ---- close

    @Test
    void closeQueuesAnApcThatStopsAcceptingAndLetsTheOwedReplyOutFirst() throws Exception {
        start(4);
        ScriptedClient alice = connectedAndReading("alice", 0);
        expectCalls(1, "connect -> pending");
        alice.holdsWrites();
        alice.sends("last");
        expectCalls(0, "routine read(last)", "writeFileEx(last) -> pending");

        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        // QueueUserAPC from the closing thread; the loop runs it inside its alertable wait.
        eventually()
                .untilAsserted(() -> assertThat(seam.log())
                        .as(this::describe)
                        .containsSubsequence("queueUserApc (off the loop)", "apc", "stopAccepting"));
        assertThat(closing)
                .as("close waits for the reply it owes; %s", describe())
                .isNotDone();

        alice.finishesWrite();
        closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        expectCalls(0, "routine write(ok)", "flushEx -> done", "routine flush(ok)", "close");
        expectCalls(1, "getOverlappedResult -> ClosedChannelException", "close");
        assertThat(alice.received()).as(this::describe).containsExactly("last");
        assertThat(handler.events()).as(this::describe).endsWith("disconnect alice");
        assertThat(seam.log()).as(this::describe).endsWith("close");
    }

    // ---- helpers

    /** The engine's promise: a request is handled inside its read routine, so inside the loop's alertable wait. */
    private RecordingHandler inRoutines(RecordingHandler recording) {
        return recording.handlingRequestsOnlyInside("a routine of the alertable wait", seam::runningRoutines);
    }

    /** A client connects to {@code instance}, whose connect is pending, and the engine starts reading. */
    private ScriptedClient connectedAndReading(String name, int instance) {
        ScriptedClient client = clientConnectsTo(name, instance);
        expectCalls(instance, "getOverlappedResult -> true", "readFileEx -> pending");
        return client;
    }

    /** The request {@code message} just sent on {@code instance} is read and answered at once; the next read starts. */
    private void expectEcho(int instance, String message) {
        expectCalls(
                instance,
                "routine read(" + message + ")",
                "writeFileEx(" + message + ") -> done",
                "routine write(ok)",
                "readFileEx -> pending");
    }
}
