package dev.pipelab.overlapped;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelab.overlapped.FakePipeSystem.Call;
import dev.pipelab.overlapped.FakePipeSystem.Wait;
import dev.pipelab.testsuite.fake.RecordingHandler;
import dev.pipelab.testsuite.fake.ScriptedClient;
import dev.pipelab.testsuite.fake.StateMachineSupport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The overlapped engine's state machine against a scripted seam ({@link FakePipeSystem}): each
 * test plays clients step by step and checks the exact calls the engine makes on each instance,
 * as the SDK's overlapped sample would make them: CONNECTING, READING, WRITING, the
 * already-connected case, disconnect and reconnect, errors at every step, pushes that cancel a
 * pending read, growth up to maxInstances, and a fair wait.
 */
class OverlappedStateMachineTest extends StateMachineSupport<FakePipeSystem> {

    private static final String LOOP_THREAD = "pipelab-overlapped-loop";

    OverlappedStateMachineTest() {
        super(new FakePipeSystem(), OverlappedPipeServerFactory::new);
        handler = RecordingHandler.echo(LOOP_THREAD);
    }

    // ---- CONNECTING -> READING -> WRITING -> READING

    @Test
    void aRequestTakesTheInstanceFromConnectingThroughReadingAndWritingBackToReading() throws IOException {
        start(1);
        expectCalls(0, "connect -> pending");
        assertThat(seam.log()).as(this::describe).startsWith("createInstance -> #0", "#0 connect -> pending");
        expectState("CONNECTING=1, READING=0, WRITING=0");

        ScriptedClient alice = seam.clientConnects("alice");
        expectCalls(0, "getOverlappedResult -> true", "read -> pending");
        expectState("CONNECTING=0, READING=1, WRITING=0");

        alice.holdsWrites();
        alice.sends("hello");
        expectCalls(0, "getOverlappedResult -> true", "write(hello) -> pending");
        expectState("CONNECTING=0, READING=0, WRITING=1");

        alice.finishesWrite();
        expectCalls(0, "getOverlappedResult -> true", "read -> pending");
        expectState("CONNECTING=0, READING=1, WRITING=0");
        assertThat(alice.received()).as(this::describe).containsExactly("hello");
        assertThat(handler.events()).as(this::describe).containsExactly("connect alice", "message alice: hello");
        assertThat(server.stats().messagesIn()).as(this::describe).isEqualTo(1);
        assertThat(server.stats().messagesOut()).as(this::describe).isEqualTo(1);
        assertThat(seam.instancesCreated())
                .as("min(4, maxInstances=1); %s", describe())
                .isEqualTo(1);
    }

    @Test
    void aClientThatCameBeforeConnectNamedPipeIsServedAndTheEngineSignalsTheEventItself() throws IOException {
        ScriptedClient alice = seam.clientConnects("alice"); // waits in the backlog: no instance exists yet
        start(1);
        // ERROR_PIPE_CONNECTED starts no operation and sets no event: unless the engine sets it,
        // the wait never comes back to this instance. There is no result to fetch before reading.
        expectCalls(0, "connect -> connected", "event.set", "read -> pending");
        assertThat(seam.log())
                .as(this::describe)
                .containsSubsequence("#0 event.set", "waitForAny(first=0) -> 0, signalled [0]", "#0 read -> pending");
        assertThat(handler.events()).as(this::describe).containsExactly("connect alice");

        alice.sends("hi");
        // A write that finishes at once leaves its event set: the next wait brings the loop back.
        expectCalls(
                0,
                "getOverlappedResult -> true",
                "write(hi) -> done",
                "getOverlappedResult -> true",
                "read -> pending");
        assertThat(alice.received()).as(this::describe).containsExactly("hi");
    }

    // ---- disconnect and reconnect

    @Test
    void anEndOfFileDisconnectsTheClientAndTheSameInstanceConnectsTheNext() throws IOException {
        start(1);
        ScriptedClient alice = connectedAndReading("alice", 0);
        alice.sends("one");
        expectEcho(0, "one");

        alice.closesItsEnd();
        // The session is over: FlushFileBuffers first, since DisconnectNamedPipe discards what is unread.
        expectCalls(
                0,
                "getOverlappedResult -> EOFException",
                "flush -> done",
                "getOverlappedResult -> true",
                "disconnect",
                "connect -> pending");
        assertThat(alice.wasDisconnected()).as(this::describe).isTrue();
        assertThat(handler.events())
                .as(this::describe)
                .containsExactly("connect alice", "message alice: one", "disconnect alice");

        aNewClientIsServedOn(0, "bob");
        assertThat(seam.instancesCreated()).as(this::describe).isEqualTo(1);
        assertThat(server.stats().accepted()).as(this::describe).isEqualTo(2);
        assertThat(server.stats().active()).as(this::describe).isEqualTo(1);
    }

    @Test
    void aWriteThatFailsDisconnectsTheClientAndTheInstanceConnectsAgain() throws IOException {
        start(1);
        ScriptedClient alice = connectedAndReading("alice", 0);
        alice.holdsWrites();
        alice.sends("x");
        expectCalls(0, "getOverlappedResult -> true", "write(x) -> pending");

        alice.failsWrite(new IOException("ERROR_BROKEN_PIPE"));
        expectCalls(0, "getOverlappedResult -> IOException", "disconnect", "connect -> pending");
        assertThat(handler.events())
                .as(this::describe)
                .containsExactly("connect alice", "message alice: x", "disconnect alice");
        assertThat(alice.received()).as(this::describe).isEmpty();

        aNewClientIsServedOn(0, "bob");
    }

    // ---- errors at each step

    @Test
    void aReadThatFailsAtOnceDisconnectsTheClientAndTheInstanceConnectsAgain() throws IOException {
        seam.failNext(Call.READ, new IOException("ERROR_BROKEN_PIPE"));
        start(1);
        expectCalls(0, "connect -> pending");
        seam.clientConnects("alice");
        expectCalls(0, "getOverlappedResult -> true", "read -> IOException", "disconnect", "connect -> pending");
        assertThat(handler.events()).as(this::describe).containsExactly("connect alice", "disconnect alice");

        aNewClientIsServedOn(0, "bob");
    }

    @Test
    void aWriteThatFailsAtOnceDisconnectsTheClientAndTheInstanceConnectsAgain() throws IOException {
        seam.failNext(Call.WRITE, new IOException("ERROR_NO_DATA"));
        start(1);
        ScriptedClient alice = connectedAndReading("alice", 0);
        alice.sends("x");
        expectCalls(0, "getOverlappedResult -> true", "write(x) -> IOException", "disconnect", "connect -> pending");
        assertThat(handler.events())
                .as(this::describe)
                .containsExactly("connect alice", "message alice: x", "disconnect alice");

        aNewClientIsServedOn(0, "bob");
    }

    @Test
    void aBrokenFrameIsAnsweredWithAnErrorFrameThenTheClientIsDisconnected() throws IOException {
        String reason = "message of 2000000 bytes exceeds maxMessageBytes=1048576";
        start(1);
        ScriptedClient alice = connectedAndReading("alice", 0);
        alice.sendsBrokenFrame(reason);
        expectCalls(
                0,
                "getOverlappedResult -> ProtocolException",
                "writeError(" + reason + ") -> done",
                "getOverlappedResult -> true",
                "flush -> done",
                "getOverlappedResult -> true",
                "disconnect",
                "connect -> pending");
        assertThat(alice.received()).as(this::describe).containsExactly("error: " + reason);
        assertThat(handler.events()).as(this::describe).containsExactly("connect alice", "disconnect alice");
        assertThat(server.stats().errorFrames()).as(this::describe).isEqualTo(1);

        aNewClientIsServedOn(0, "bob");
    }

    @Test
    void aConnectThatFailsAtOnceDoesNotCostTheServerTheInstanceForGood() throws IOException {
        // ConnectNamedPipe can fail for one client while the pipe stays open: ERROR_NO_DATA when
        // a client came and left before the call, or accept(2) failing with ECONNABORTED or
        // EMFILE on Unix. The seam's Javadoc allows it ("if the pipe is closed or the call fails").
        seam.failNext(Call.CONNECT, new IOException("ERROR_NO_DATA"));
        start(1);
        // The instance is retired (its event reset) and its ConnectNamedPipe tried again a tick later.
        expectCalls(0, "connect -> IOException", "event.reset", "connect -> pending");

        aClientArrivingAfterAFailedConnectIsServed("alice");
    }

    // ---- pushes: a frame for a client that is READING

    @Test
    void aPushFromAnotherThreadCancelsThePendingReadAndIsWrittenAtOnce() throws IOException {
        start(1);
        ScriptedClient alice = connectedAndReading("alice", 0);

        push("alice", "news");
        // The wake event brings the loop round; CancelIoEx ends the read as aborted, and the
        // aborted read is finished like any other, into WRITING.
        expectCalls(
                0,
                "cancelIo",
                "getOverlappedResult -> OperationAbortedException",
                "write(news) -> done",
                "getOverlappedResult -> true",
                "read -> pending");
        assertThat(seam.log())
                .as(this::describe)
                .containsSubsequence("wake (off the loop)", "waitForAny(first=1) -> wake", "#0 cancelIo");
        assertThat(alice.received()).as(this::describe).containsExactly("news");

        alice.sends("request"); // the cancelled read lost nothing
        expectEcho(0, "request");
        assertThat(alice.received()).as(this::describe).containsExactly("news", "request");
    }

    @Test
    void aBroadcastFromAnotherSessionCancelsTheTargetsPendingRead() throws IOException {
        handler = RecordingHandler.broadcast(LOOP_THREAD);
        start(2);
        ScriptedClient alice = connectedAndReading("alice", 0);
        ScriptedClient bob = connectedAndReading("bob", 1);

        alice.sends("e2e4");
        expectCalls(0, "getOverlappedResult -> true", "read -> pending"); // no reply to the sender
        expectCalls(
                1,
                "cancelIo",
                "getOverlappedResult -> OperationAbortedException",
                "write(e2e4) -> done",
                "getOverlappedResult -> true",
                "read -> pending");
        assertThat(bob.received()).as(this::describe).containsExactly("e2e4");
        assertThat(alice.received()).as(this::describe).isEmpty();
        assertThat(seam.log())
                .as("pushed on the loop thread: no wake needed; %s", describe())
                .noneMatch(entry -> entry.startsWith("wake"));
    }

    // ---- growth and the backlog

    @Test
    void instancesGrowWhileAllAreBusyUpToMaxInstancesThenClientsWaitForAFreeOne() throws IOException {
        start(6);
        IntStream.range(0, 4).forEach(i -> expectCalls(i, "connect -> pending")); // the sample's four
        List<ScriptedClient> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            clients.add(connectedAndReading("client" + i, i));
        }
        assertThat(seam.instancesCreated())
                .as("one of four still free: no growth; %s", describe())
                .isEqualTo(4);

        clients.add(connectedAndReading("client3", 3));
        expectCalls(4, "connect -> pending"); // all four busy: a fifth waits for the next client
        clients.add(connectedAndReading("client4", 4));
        expectCalls(5, "connect -> pending");
        clients.add(connectedAndReading("client5", 5));
        assertThat(seam.instancesCreated())
                .as("maxInstances=6 reached; %s", describe())
                .isEqualTo(6);
        expectState("instances=6");

        ScriptedClient late = seam.clientConnects("late");
        assertThat(late.instance())
                .as("every instance is busy: the client waits in the backlog; %s", describe())
                .isEqualTo(-1);
        clients.get(2).closesItsEnd();
        // The freed instance's ConnectNamedPipe finds the waiting client already there.
        expectCalls(
                2,
                "getOverlappedResult -> EOFException",
                "flush -> done",
                "getOverlappedResult -> true",
                "disconnect",
                "connect -> connected",
                "event.set",
                "read -> pending");
        assertThat(late.instance()).as(this::describe).isEqualTo(2);
        late.sends("at last");
        expectEcho(2, "at last");
        assertThat(seam.instancesCreated()).as(this::describe).isEqualTo(6);
    }

    // ---- fairness

    @Test
    void readyInstancesAreServedRoundRobinSoNoneStarves() throws IOException {
        int instances = 8;
        int requests = 5;
        List<ScriptedClient> clients = new ArrayList<>();
        for (int c = 0; c < instances; c++) {
            ScriptedClient client = seam.clientConnects("client" + c);
            for (int r = 0; r < requests; r++) {
                client.sends("request " + r);
            }
            clients.add(client);
        }
        // Every client is waiting with its requests sent: each connect finds one, and every read
        // and write finishes at once, so every instance's event is set at nearly every wait.
        start(instances);
        eventually()
                .untilAsserted(() -> assertThat(clients)
                        .as(this::describe)
                        .allSatisfy(c -> assertThat(c.received()).hasSize(requests)));

        List<Wait> waits = seam.waits();
        assertThat(starvedInstances(waits)).as(this::describe).isEmpty();
        List<Wait> opening = waits.subList(0, 2 * instances);
        assertThat(opening)
                .extracting(Wait::served)
                .as(this::describe)
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7);
        // Instances are added as clients are served, so the first waits see fewer ready; from the
        // first wait at which all are ready, one round serves every one of them once.
        int allReady = 0;
        while (waits.get(allReady).signalled().size() < instances) {
            allReady++;
        }
        assertThat(waits.subList(allReady, allReady + instances))
                .extracting(Wait::served)
                .as("one round once all %d are ready; %s", instances, describe())
                .doesNotHaveDuplicates();
    }

    /**
     * Where an instance was served twice while another stayed signalled at every wait in between
     * and was not served once: WaitForMultipleObjects' lowest-index rule would do that to every
     * instance above a busy one.
     */
    private static List<String> starvedInstances(List<Wait> waits) {
        List<String> starved = new ArrayList<>();
        Map<Integer, Integer> lastServed = new HashMap<>();
        for (int k = 0; k < waits.size(); k++) {
            Wait now = waits.get(k);
            Integer before = lastServed.put(now.served(), k);
            if (before == null) {
                continue;
            }
            List<Wait> between = waits.subList(before, k + 1);
            for (int other : now.signalled()) {
                boolean readyAllAlong =
                        between.stream().allMatch(w -> w.signalled().contains(other));
                boolean servedMeanwhile = between.stream().anyMatch(w -> w.served() == other);
                if (other != now.served() && readyAllAlong && !servedMeanwhile) {
                    starved.add("#" + other + " ready at waits " + (before + 1) + ".." + (k + 1) + " while #"
                            + now.served() + " was served twice");
                }
            }
        }
        return starved;
    }

    // ---- close

    @Test
    void closeLetsAnOwedReplyBeWrittenThenDisconnectsAndStops() throws Exception {
        start(2);
        ScriptedClient alice = connectedAndReading("alice", 0);
        alice.holdsWrites();
        alice.sends("last");
        expectCalls(0, "getOverlappedResult -> true", "write(last) -> pending");

        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        eventually()
                .untilAsserted(() -> assertThat(seam.log()).as(this::describe).contains("stopAccepting"));
        assertThat(closing)
                .as("close waits for the reply it owes; %s", describe())
                .isNotDone();

        alice.finishesWrite();
        closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        // Retired, not reconnected: its event is reset so that nothing brings the loop back to it.
        expectCalls(
                0,
                "getOverlappedResult -> true",
                "flush -> done",
                "getOverlappedResult -> true",
                "disconnect",
                "event.reset",
                "close");
        assertThat(alice.received()).as(this::describe).containsExactly("last");
        assertThat(handler.events()).as(this::describe).endsWith("disconnect alice");
        assertThat(seam.log())
                .as(this::describe)
                .containsSubsequence(
                        "wake (off the loop)",
                        "stopAccepting",
                        "#0 flush -> done",
                        "#0 disconnect",
                        "#0 close",
                        "close");
    }

    @Test
    void whileCloseWaitsForOwedRepliesTheLoopDoesNotSpinOnTheConnectsItFailed() throws Exception {
        start(2);
        ScriptedClient alice = connectedAndReading("alice", 0);
        alice.holdsWrites();
        alice.sends("reply");
        expectCalls(0, "getOverlappedResult -> true", "write(reply) -> pending");
        // Two pushes queued behind the pending write, so that alice's writes stay pending a while.
        push("alice", "push 1");
        push("alice", "push 2");

        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        // Closing fails the pending ConnectNamedPipe of #1, which sets its manual-reset event.
        expectCalls(1, "connect -> pending", "getOverlappedResult -> ClosedChannelException", "event.reset");
        alice.finishesWrite();
        expectCalls(0, "getOverlappedResult -> true", "write(push 1) -> pending");
        alice.finishesWrite();
        expectCalls(0, "getOverlappedResult -> true", "write(push 2) -> pending");
        alice.finishesWrite();
        closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(alice.received()).as(this::describe).containsExactly("reply", "push 1", "push 2");

        // While alice's writes were pending, #1's event stayed set with nothing left to do on it:
        // on Windows every WaitForMultipleObjects returns at once and the loop burns its core.
        assertThat(seam.spins()).as(this::describe).isEmpty();
    }

    // ---- helpers

    /** A client connects to {@code instance}, whose connect is pending, and the engine starts reading. */
    private ScriptedClient connectedAndReading(String name, int instance) {
        ScriptedClient client = clientConnectsTo(name, instance);
        expectCalls(instance, "getOverlappedResult -> true", "read -> pending");
        return client;
    }

    /** The request {@code message} just sent on {@code instance} is read and answered at once; the next read starts. */
    private void expectEcho(int instance, String message) {
        expectCalls(
                instance,
                "getOverlappedResult -> true",
                "write(" + message + ") -> done",
                "getOverlappedResult -> true",
                "read -> pending");
    }

    /** A new client connects to {@code instance} and gets its request echoed: the instance serves again. */
    private void aNewClientIsServedOn(int instance, String name) {
        ScriptedClient client = connectedAndReading(name, instance);
        client.sends("ping");
        expectEcho(instance, "ping");
        assertThat(client.received()).as(this::describe).containsExactly("ping");
    }

    private void expectState(String state) {
        eventually()
                .untilAsserted(
                        () -> assertThat(server.toString()).as(this::describe).contains(state));
    }
}
