package dev.pipelab.api;

/**
 * The application side of a pipe server: what happens when a client connects, sends a message
 * and leaves. A handler answers by calling {@link Session#send}, zero or more times per request;
 * replies to one client keep the order in which they were sent.
 *
 * <p><b>Threading depends on the engine.</b> Under {@code threaded} and {@code virtual} these
 * methods run concurrently for different sessions, each on its client's own thread, so shared
 * state needs a lock. Under {@code overlapped} and {@code completion} they run one at a time on
 * the engine's only I/O thread and MUST NOT block. A handler that is correct under both rules
 * works on every engine.
 *
 * <p>An exception thrown from {@link #onMessage} ends that one session with an error frame; the
 * server and every other session carry on.
 */
public interface PipeHandler {

    /** A client connected. Runs before any message of that session. */
    default void onConnect(Session session) {}

    /**
     * One whole request arrived.
     *
     * @param message the payload, owned by the handler from now on
     * @throws Exception to end this session with an error frame
     */
    void onMessage(Session session, byte[] message) throws Exception;

    /** The session ended, for whatever reason. Runs once, after its last message. */
    default void onDisconnect(Session session) {}
}
