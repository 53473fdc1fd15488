package dev.pipelab.os.unix.async;

import dev.pipelab.api.PeerIdentity;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One accepted client as a transport of {@link UnixAsyncIo} holds it: a non-blocking stream
 * socket, registered with the io's poller. Used by the owning thread only.
 *
 * <p>Interest follows one rule whatever the poller: {@link #wantReady} means "an operation waits
 * for this; perform it when the socket can", and {@link #notReady} "nobody waits now". A
 * level-triggered poller (the JDK's Selector) turns them into interest changes; an edge-triggered
 * one (epoll with EPOLLET) keeps both directions registered for good and instead remembers
 * whether the socket may still be readable or writable, since no second edge will come.
 */
public interface UnixConnection {

    /** Joins the io's poller, reporting readiness to {@code instance}. */
    void register(UnixAsyncInstance instance) throws IOException;

    /**
     * recv(2) into {@code into}, from its position.
     *
     * @return the bytes read, 0 if none are waiting (EAGAIN), -1 at the end of the stream
     */
    int read(ByteBuffer into) throws IOException;

    /**
     * send(2) from {@code from}, from its position, advancing it.
     *
     * @return the bytes sent, 0 if the socket has no room (EAGAIN)
     */
    int write(ByteBuffer from) throws IOException;

    /** An operation waits for {@code op} ({@link java.nio.channels.SelectionKey#OP_READ} or {@code OP_WRITE}). */
    void wantReady(int op);

    /** The poller reported {@code op} ready, and no operation waits for it. */
    void notReady(int op);

    /** The peer's credentials (SO_PEERCRED). */
    PeerIdentity peer();

    /** Leaves the poller and closes the socket; never throws. */
    void close();
}
