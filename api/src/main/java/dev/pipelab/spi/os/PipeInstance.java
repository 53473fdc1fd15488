package dev.pipelab.spi.os;

import dev.pipelab.api.PeerIdentity;
import dev.pipelab.api.protocol.ProtocolException;
import java.io.Closeable;
import java.io.IOException;

/**
 * One pipe instance in the blocking style: each call returns when its operation is finished.
 * One thread may read while another writes; no two threads read, or write, at once.
 */
public interface PipeInstance extends Closeable {

    /**
     * ConnectNamedPipe: waits until a client connects to this instance.
     *
     * @throws java.nio.channels.ClosedChannelException if the named pipe was closed meanwhile
     */
    void connect() throws IOException;

    /** The connected client, as the OS reports it. */
    PeerIdentity peer();

    /**
     * ReadFile until one whole message has arrived.
     *
     * @return the payload, or {@code null} once the client closed its end or the read was
     *     cancelled with {@link #cancelRead()}
     * @throws ProtocolException if the client broke the frame rules; its message is the reason
     */
    byte[] readMessage() throws IOException;

    /** WriteFile of one whole message frame. */
    void writeMessage(byte[] payload) throws IOException;

    /** WriteFile of one error frame carrying {@code reason}. */
    void writeError(String reason) throws IOException;

    /**
     * FlushFileBuffers: returns once every byte written has left the server, so that closing
     * cannot discard it, or once {@code timeout} has passed. On Windows it waits until the client
     * has read everything, since DisconnectNamedPipe discards what it has not; on Unix a write
     * returns once the kernel holds the bytes, where closing the socket does not discard them, so
     * there is nothing left to wait for.
     *
     * @return true once flushed; false if {@code timeout} passed first
     * @throws IOException if the client is gone
     */
    boolean flush(java.time.Duration timeout) throws IOException;

    /**
     * CancelIoEx on the read side: a {@link #readMessage()} in progress, and every later one,
     * returns {@code null}. Writing still works. Idempotent.
     */
    void cancelRead();

    /**
     * DisconnectNamedPipe and CloseHandle: closes the connection at once; what was written and
     * not flushed may be lost (on Windows it is), so flush first. A read or write in progress
     * fails. Idempotent; never throws.
     */
    @Override
    void close();
}
