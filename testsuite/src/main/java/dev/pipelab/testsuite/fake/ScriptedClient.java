package dev.pipelab.testsuite.fake;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.pipelab.api.PeerIdentity;
import dev.pipelab.api.protocol.ProtocolException;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;

/**
 * A client of a fake seam as the test plays it: it sends a message, a broken frame or an end of
 * file, decides when a write it holds finishes, and keeps what the server wrote to it.
 *
 * <p>The test calls the verbs ({@link #sends}, {@link #finishesWrite}, ...); the fake's instance
 * calls the rest, under the fake's lock, which guards the client too.
 */
public final class ScriptedClient {

    private final CallLog calls;
    private final String name;
    // Sent and not yet read: a byte[] message, or the IOException a read ends with.
    private final Deque<Object> inbound = new ArrayDeque<>();
    private final List<String> received = new ArrayList<>();
    private FakeInstance instance;
    private boolean holdsWrites;
    private boolean disconnected;

    ScriptedClient(CallLog calls, String name) {
        this.calls = calls;
        this.name = name;
    }

    // ---- the test's steps

    /** Sends one whole message: it finishes the read in progress, or waits for the next one. */
    public void sends(String message) {
        deliver(message.getBytes(UTF_8));
    }

    /** Breaks the frame rules: the read ends with a ProtocolException carrying {@code reason}. */
    public void sendsBrokenFrame(String reason) {
        deliver(new ProtocolException(reason));
    }

    /** Closes its end: the read ends with ERROR_BROKEN_PIPE. */
    public void closesItsEnd() {
        deliver(new EOFException("the client closed its end"));
    }

    private void deliver(Object item) {
        calls.locked(() -> {
            if (instance == null || !instance.finishRead(item)) {
                inbound.add(item);
            }
        });
    }

    /** From now on a write to this client stays pending until {@link #finishesWrite} or {@link #failsWrite}. */
    public void holdsWrites() {
        calls.locked(() -> {
            holdsWrites = true;
        });
    }

    /** The pending write to this client finishes: the client has the frame. */
    public void finishesWrite() {
        calls.locked(() -> {
            FakeInstance writing = pendingWrite();
            received.add(writing.frameBeingWritten());
            writing.finishWrite(null);
        });
    }

    /** The pending write to this client fails with {@code failure}. */
    public void failsWrite(IOException failure) {
        calls.locked(() -> pendingWrite().finishWrite(failure));
    }

    private FakeInstance pendingWrite() {
        if (instance == null || instance.frameBeingWritten() == null) {
            throw new IllegalStateException("no write to " + name + " is pending: " + instance);
        }
        return instance;
    }

    // ---- what happened to it

    /** The frames written to this client, in order; an error frame as {@code "error: reason"}. */
    public List<String> received() {
        return calls.locked(() -> List.copyOf(received));
    }

    /** The instance this client is connected to, or -1. */
    public int instance() {
        return calls.locked(() -> instance == null ? -1 : instance.number());
    }

    /** True once the server disconnected it (or closed its instance). */
    public boolean wasDisconnected() {
        return calls.locked(() -> disconnected);
    }

    // ---- the fake instance's side, under the fake's lock

    /** The client is connected to {@code server}. */
    void attachTo(FakeInstance server) {
        instance = server;
    }

    /** The server disconnected it. */
    void disconnect() {
        instance = null;
        disconnected = true;
    }

    /** The oldest thing it sent that no read took: a byte[] message or the IOException a read ends with; or null. */
    public Object takeSent() {
        return inbound.poll();
    }

    /** True if a write to it stays pending until the test finishes it. */
    public boolean holdingWrites() {
        return holdsWrites;
    }

    /** A write to it finished at once: it has the frame. */
    public void receive(String frame) {
        received.add(frame);
    }

    /** The peer an instance reports for it: its name as the user. */
    PeerIdentity peer() {
        return new PeerIdentity(name, "fake", OptionalLong.empty());
    }

    @Override
    public String toString() {
        return name;
    }
}
