package dev.pipelab.testsuite.fake;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How clients meet a fake seam's instances, as with ConnectNamedPipe: a client completes the
 * connect that has been pending longest, or, if none is pending, waits in the backlog until the
 * next connect, which then finds it already there (ERROR_PIPE_CONNECTED). Once the pipe stops
 * accepting, the pending connects fail and nobody else gets in. Guarded by the fake's lock.
 */
public final class ConnectQueue {

    private final CallLog calls;
    private final Deque<FakeInstance> awaitingClient = new ArrayDeque<>(); // pending connects, oldest first
    private final Deque<ScriptedClient> backlog = new ArrayDeque<>(); // clients no instance has taken yet
    private boolean accepting = true;

    public ConnectQueue(CallLog calls) {
        this.calls = calls;
    }

    /** The test's step: a client named {@code name} connects. */
    public ScriptedClient clientConnects(String name) {
        return calls.locked(() -> {
            if (!accepting) {
                throw new IllegalStateException(name + " cannot connect: the pipe stopped accepting");
            }
            ScriptedClient client = new ScriptedClient(calls, name);
            FakeInstance instance = awaitingClient.poll();
            if (instance == null) {
                backlog.add(client);
            } else {
                instance.clientArrived(client);
            }
            return client;
        });
    }

    /** False once the pipe stopped accepting. */
    public boolean accepting() {
        return accepting;
    }

    /** The client that came before this connect, taken from the backlog; null if none did. */
    public ScriptedClient clientAlreadyThere() {
        return backlog.poll();
    }

    /** {@code instance}'s connect is pending: the next client completes it. */
    public void awaitClient(FakeInstance instance) {
        awaitingClient.add(instance);
    }

    /** {@code instance}'s pending connect ends another way (aborted): no client completes it. */
    public void forget(FakeInstance instance) {
        awaitingClient.remove(instance);
    }

    /** As UnixSelectorIo.stopAccepting: every pending connect fails, and nobody else gets in. */
    public void stopAccepting() {
        accepting = false;
        for (FakeInstance waiting; (waiting = awaitingClient.poll()) != null; ) {
            waiting.connectFinished(new ClosedChannelException());
        }
        backlog.clear(); // those clients are refused
    }
}
