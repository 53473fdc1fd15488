package dev.pipelab.overlapped;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.Session;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A handler that answers as {@code echo} (or {@code broadcast}) and records what the engine made
 * it see, naming each session after its client (the fake seam's peer user). It also checks the
 * engine's promise to handlers: every call runs on the loop thread.
 */
final class RecordingHandler implements PipeHandler {

    private static final String LOOP_THREAD = "pipelab-overlapped-loop";

    private final boolean broadcast;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<String> offLoopCalls = new CopyOnWriteArrayList<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Set<Session> connected = new LinkedHashSet<>(); // loop thread only

    private RecordingHandler(boolean broadcast) {
        this.broadcast = broadcast;
    }

    /** Answers each request with the same payload. */
    static RecordingHandler echo() {
        return new RecordingHandler(false);
    }

    /** Sends each request to every other connected client, and no reply to the sender. */
    static RecordingHandler broadcast() {
        return new RecordingHandler(true);
    }

    @Override
    public void onConnect(Session session) {
        onLoop("onConnect");
        events.add("connect " + name(session));
        sessions.put(name(session), session);
        connected.add(session);
    }

    @Override
    public void onMessage(Session session, byte[] message) {
        onLoop("onMessage");
        events.add("message " + name(session) + ": " + new String(message, UTF_8));
        if (!broadcast) {
            session.send(message);
            return;
        }
        for (Session other : new ArrayList<>(connected)) {
            if (other != session) {
                other.send(message);
            }
        }
    }

    @Override
    public void onDisconnect(Session session) {
        onLoop("onDisconnect");
        events.add("disconnect " + name(session));
        connected.remove(session);
    }

    /**
     * What the handler saw, in order: {@code "connect alice"}, {@code "message alice: hi"},
     * {@code "disconnect alice"}.
     */
    List<String> events() {
        return List.copyOf(events);
    }

    /** The session of the client named {@code client}, once it connected. */
    Session session(String client) {
        Session s = sessions.get(client);
        if (s == null) {
            throw new IllegalStateException(client + " has no session; the handler saw " + events);
        }
        return s;
    }

    /** Handler calls that ran anywhere but on the loop thread. */
    List<String> offLoopCalls() {
        return List.copyOf(offLoopCalls);
    }

    private void onLoop(String call) {
        String thread = Thread.currentThread().getName();
        if (!thread.equals(LOOP_THREAD)) {
            offLoopCalls.add(call + " on " + thread);
        }
    }

    private static String name(Session session) {
        return session.peer().user();
    }

    @Override
    public String toString() {
        return "RecordingHandler" + events;
    }
}
