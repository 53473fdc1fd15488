package dev.pipelab.api;

/**
 * One connected client, from connect to disconnect.
 *
 * <p>{@link #send} may be called from any thread, for any session, at any time; it never blocks.
 * It queues the message and the engine writes it. A message sent while handling that session's
 * own request is a <em>reply</em>: replies are always queued, and the engine stops reading this
 * client's requests while its replies cannot be written (backpressure). Any other message is a
 * <em>push</em> (a broadcast, say): a push that would take the session's outbound queue past
 * {@code outboundQueueBytes} is refused, and the session, whose client is not reading, is closed
 * with an error frame. Nobody else waits for it.
 */
public interface Session {

    /** A number that identifies this session within its server. */
    long id();

    /** Who connected, as the operating system reports it. */
    PeerIdentity peer();

    /**
     * Queues one message for this session's client. Never blocks.
     *
     * @return {@code false} if the session is closed or closing, or the push was refused
     */
    boolean send(byte[] message);

    /**
     * Ends the session: no further request is read, queued messages are still written within
     * the server's grace period, then the connection closes. Idempotent.
     */
    void close();

    /** True until the session starts closing. */
    boolean isOpen();
}
