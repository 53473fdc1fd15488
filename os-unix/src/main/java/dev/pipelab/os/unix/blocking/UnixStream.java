package dev.pipelab.os.unix.blocking;

import dev.pipelab.api.PeerIdentity;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A connected client in the blocking style, as one transport gives it: the JDK's blocking
 * channel, or a raw descriptor whose calls park the caller. Each call returns once it has done
 * something; {@link UnixPipeInstance} makes whole messages of them. One thread may read while
 * another writes; no two threads read, or write, at once.
 */
public interface UnixStream {

    /** How a transport makes a stream of what its listening socket accepted. */
    @FunctionalInterface
    interface Opener<C> {
        /** A stream over {@code accepted}; on failure, {@code accepted} is closed. */
        UnixStream open(C accepted) throws IOException;
    }

    /**
     * Waits until something has arrived and reads it into {@code into}.
     *
     * @return the bytes read, at least 1; -1 at the end of the stream, and once
     *     {@link #shutdownInput()} was called
     * @throws java.nio.channels.AsynchronousCloseException if {@link #close()} was called meanwhile
     */
    int read(ByteBuffer into) throws IOException;

    /**
     * Waits until there is room and writes what fits of {@code from}, in order.
     *
     * @return the bytes written
     */
    long write(ByteBuffer[] from) throws IOException;

    /** shutdown(SHUT_RD): a read in progress, and every later one, returns -1. Idempotent. */
    void shutdownInput() throws IOException;

    /** The connected client, as SO_PEERCRED reports it. */
    PeerIdentity peer();

    /** True until {@link #close()}. */
    boolean isOpen();

    /** Closes the connection; a read or write in progress fails. Idempotent. */
    void close() throws IOException;
}
