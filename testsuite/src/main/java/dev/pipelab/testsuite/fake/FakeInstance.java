package dev.pipelab.testsuite.fake;

import static dev.pipelab.testsuite.fake.CallLog.name;

import dev.pipelab.api.PeerIdentity;
import java.io.IOException;

/**
 * What a {@link ScriptedSeam}'s pipe instance does whatever its style: its number and client,
 * ConnectNamedPipe's two outcomes, GetOverlappedResult's answer, and the log lines about it. A
 * fake's instance extends it and implements its style's instance; the {@link ConnectQueue} and
 * the {@link ScriptedClient} finish its operations through the abstract methods. Everything runs
 * under the call log's lock.
 */
public abstract class FakeInstance {

    protected final CallLog calls;
    protected final int number;
    protected ScriptedClient client;
    protected boolean closed;
    private final ConnectQueue connects;

    protected FakeInstance(ScriptedSeam seam, int number) {
        this.calls = seam.calls;
        this.connects = seam.connects;
        this.number = number;
    }

    /** The instance's number, as in the log's {@code "#n"}. */
    public int number() {
        return number;
    }

    public PeerIdentity peer() {
        return calls.locked(() -> client == null ? PeerIdentity.UNKNOWN : client.peer());
    }

    // ---- finished by the script

    /** A client completes this instance's pending connect. */
    final void clientArrived(ScriptedClient arrived) {
        attach(arrived);
        connectFinished(null);
    }

    /** The pending connect finishes, well if {@code failure} is null. */
    protected abstract void connectFinished(IOException failure);

    /**
     * Finishes the read in progress with {@code outcome}, a {@code byte[]} message or the
     * IOException the read ends with; false if no read is in progress.
     */
    protected abstract boolean finishRead(Object outcome);

    /** The frame of the write in progress, as its client will read it; null if none is in progress. */
    protected abstract String frameBeingWritten();

    /** The write in progress finishes, well if {@code failure} is null. */
    protected abstract void finishWrite(IOException failure);

    // ---- for the fake's instance

    /** Every call of the engine on the instance goes through here: on the loop thread only. */
    protected void called(String call) {
        calls.onLoopThread("#" + number + " " + call);
    }

    /** Logs {@code entry} about this instance: {@code "#0 " + entry}. */
    protected void record(String entry) {
        calls.record("#" + number + " " + entry);
    }

    /** Logs that {@code call} failed at once, and returns the failure to throw. */
    protected IOException failedAtOnce(String call, IOException failure) {
        record(call + " -> " + name(failure));
        return failure;
    }

    /** False once the instance or the pipe is closed: a connect fails at once. */
    protected boolean accepting() {
        return !closed && connects.accepting();
    }

    /**
     * ConnectNamedPipe, once started: true if a client was already there, now connected
     * (ERROR_PIPE_CONNECTED: nothing was started, the event stays unset); false if the connect
     * is pending until the next client.
     */
    protected boolean connectOrAwaitClient() {
        ScriptedClient waiting = connects.clientAlreadyThere();
        if (waiting != null) {
            attach(waiting);
            record("connect -> connected");
            return true;
        }
        connects.awaitClient(this);
        record("connect -> pending");
        return false;
    }

    /** The pending connect ends another way (aborted): no client completes it. */
    protected void forgetPendingConnect() {
        connects.forget(this);
    }

    /** GetOverlappedResult without waiting: false while pending, else true or the failure thrown. */
    protected boolean overlappedResult(boolean pending, IOException failure) throws IOException {
        if (pending) {
            record("getOverlappedResult -> false");
            return false;
        }
        if (failure != null) {
            record("getOverlappedResult -> " + name(failure));
            throw failure;
        }
        record("getOverlappedResult -> true");
        return true;
    }

    /** DisconnectNamedPipe or CloseHandle: the client learns it was disconnected. */
    protected void dropClient() {
        if (client != null) {
            client.disconnect();
            client = null;
        }
    }

    private void attach(ScriptedClient c) {
        client = c;
        c.attachTo(this);
    }
}
