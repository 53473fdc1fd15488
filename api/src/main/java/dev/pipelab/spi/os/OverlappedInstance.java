package dev.pipelab.spi.os;

import dev.pipelab.api.PeerIdentity;
import java.io.Closeable;
import java.io.IOException;

/**
 * One pipe instance in the overlapped style: at most one operation outstanding at a time, as
 * in the SDK sample, with one manual-reset {@link #event()}. Starting an operation resets the
 * event; when it finishes, at once or later, the event is set. An operation that returns
 * {@code true} finished at once and left its event signalled, so the wait reports it again.
 */
public interface OverlappedInstance extends Closeable {

    /** The event in this instance's OVERLAPPED. */
    PipeEvent event();

    /**
     * ConnectNamedPipe with OVERLAPPED.
     *
     * @return {@code true} if a client was already connected (ERROR_PIPE_CONNECTED): no
     *     operation was started and <em>the event is not set</em>, so the caller sets it;
     *     {@code false} if the connect is pending (ERROR_IO_PENDING)
     * @throws IOException if the pipe is closed or the call fails
     */
    boolean connect() throws IOException;

    /** ReadFile of one whole message: {@code true} if it finished at once, else pending. */
    boolean read() throws IOException;

    /**
     * WriteFile of one message frame: {@code true} if it finished at once, else pending. As on
     * Windows, finished means the frame is in the pipe's outbound buffer; a failure to deliver it
     * later surfaces on a later operation.
     */
    boolean write(byte[] payload) throws IOException;

    /** WriteFile of one error frame: {@code true} if it finished at once, else pending. */
    boolean writeError(String reason) throws IOException;

    /**
     * FlushFileBuffers, as an operation of this style: it finishes once everything written has
     * left the instance's outbound buffer, so that {@link #disconnect()}, which discards what is
     * left, loses nothing. Windows has only a blocking FlushFileBuffers; its seam finishes this
     * operation when that returns.
     *
     * @return {@code true} if nothing was left to send (finished at once, the event set), else pending
     * @throws IOException if the client is gone
     */
    boolean flush() throws IOException;

    /**
     * GetOverlappedResult(bWait=FALSE) of the operation started last.
     *
     * @return {@code true} once it finished successfully, {@code false} while it is
     *     incomplete (ERROR_IO_INCOMPLETE)
     * @throws java.io.EOFException if the client closed its end (ERROR_BROKEN_PIPE)
     * @throws dev.pipelab.api.protocol.ProtocolException if the client broke the frame rules
     * @throws OperationAbortedException if {@link #cancelIo()} cancelled it
     * @throws IOException on any other failure
     */
    boolean getOverlappedResult() throws IOException;

    /** The message of the read that finished last (chRequest), handed over once. */
    byte[] takeMessage();

    /**
     * CancelIoEx on a pending read: it finishes as aborted and sets the event. A read that
     * already finished is left as it is, and so is an incomplete frame: the next read goes on
     * from where this one stopped.
     */
    void cancelIo();

    /**
     * DisconnectNamedPipe: drops the client; the instance can connect again. What was written
     * and not yet flushed is discarded, as on Windows: {@link #flush()} first on a graceful end.
     * A pending operation finishes as aborted.
     */
    void disconnect();

    /** The connected client, as the OS reports it. */
    PeerIdentity peer();

    /** Disconnects and closes the handle for good. */
    @Override
    void close();
}
