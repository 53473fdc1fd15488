package dev.pipelab.spi.os;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The client's end of a pipe, as CreateFile opens it on Windows and connect(2) on Unix: bytes in
 * both directions, each wait bounded by a deadline on the {@link System#nanoTime()} clock. One
 * thread may read while another writes; no two threads read, or write, at once.
 */
public interface ClientEnd extends Closeable {

    /**
     * Reads what has arrived into {@code into}, waiting until {@code deadlineNanos} for anything.
     *
     * @return the bytes read; 0 if nothing arrived by the deadline; -1 at the end of the stream,
     *     which is also what a connection the server closed without reading everything
     *     (ECONNRESET, ERROR_BROKEN_PIPE) reads as
     */
    int read(ByteBuffer into, long deadlineNanos) throws IOException;

    /**
     * Writes every byte of {@code from}, in order, waiting until {@code deadlineNanos} for room.
     *
     * @return false if the deadline passed first; part of the bytes may then have been written
     */
    boolean write(ByteBuffer[] from, long deadlineNanos) throws IOException;

    /** Closes the sending direction: the server reads the end of the stream; replies can still be read. */
    void shutdownOutput() throws IOException;

    /** True until {@link #close()}. */
    boolean isOpen();
}
