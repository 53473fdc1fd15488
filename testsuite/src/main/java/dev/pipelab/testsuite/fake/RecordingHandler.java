package dev.pipelab.testsuite.fake;

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
import java.util.function.BooleanSupplier;

/**
 * A handler that answers as {@code echo} (or {@code broadcast}) and records what the engine made
 * it see, naming each session after its client (the fake seam's peer user). It also checks the
 * engine's promise to handlers: every call runs on the loop thread, and, where the engine
 * promises more, a request is handled only in the place it names.
 */
public final class RecordingHandler implements PipeHandler {

    private final String loopThread;
    private final boolean broadcast;
    private final String requestPlace;
    private final BooleanSupplier inRequestPlace;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<String> misplacedCalls = new CopyOnWriteArrayList<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Set<Session> connected = new LinkedHashSet<>(); // loop thread only

    private RecordingHandler(
            String loopThread, boolean broadcast, String requestPlace, BooleanSupplier inRequestPlace) {
        this.loopThread = loopThread;
        this.broadcast = broadcast;
        this.requestPlace = requestPlace;
        this.inRequestPlace = inRequestPlace;
    }

    /** Answers each request with the same payload; expects every call on the thread named {@code loopThread}. */
    public static RecordingHandler echo(String loopThread) {
        return new RecordingHandler(loopThread, false, "", () -> true);
    }

    /** Sends each request to every other connected client, and no reply to the sender. */
    public static RecordingHandler broadcast(String loopThread) {
        return new RecordingHandler(loopThread, true, "", () -> true);
    }

    /**
     * This handler, also checking that every request is handled inside {@code place}, which
     * {@code inPlace} tells: {@code "a routine of the alertable wait"}.
     */
    public RecordingHandler handlingRequestsOnlyInside(String place, BooleanSupplier inPlace) {
        return new RecordingHandler(loopThread, broadcast, place, inPlace);
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
        if (!inRequestPlace.getAsBoolean()) {
            misplacedCalls.add("onMessage outside " + requestPlace);
        }
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
    public List<String> events() {
        return List.copyOf(events);
    }

    /** The session of the client named {@code client}, once it connected. */
    public Session session(String client) {
        Session s = sessions.get(client);
        if (s == null) {
            throw new IllegalStateException(client + " has no session; the handler saw " + events);
        }
        return s;
    }

    /** Handler calls that ran off the loop thread, or a request handled outside its place. */
    public List<String> misplacedCalls() {
        return List.copyOf(misplacedCalls);
    }

    private void onLoop(String call) {
        String thread = Thread.currentThread().getName();
        if (!thread.equals(loopThread)) {
            misplacedCalls.add(call + " on " + thread);
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
