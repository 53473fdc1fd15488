package dev.pipelab.spi.os;

import dev.pipelab.api.PeerIdentity;
import java.io.Closeable;
import java.io.IOException;

/**
 * One pipe instance in the completion-routine style. One read and one write may be
 * outstanding at once (full duplex); each runs its routine when it finishes, in the owning
 * thread's next alertable wait, even when it finished at once.
 */
public interface CompletionInstance extends Closeable {

    /** The routine of ReadFileEx: {@code failure} is null and {@code message} whole, or the reverse. */
    @FunctionalInterface
    interface ReadRoutine {
        void completed(IOException failure, byte[] message);
    }

    /** The routine of WriteFileEx: {@code failure} is null when the whole frame was written. */
    @FunctionalInterface
    interface WriteRoutine {
        void completed(IOException failure);
    }

    /**
     * ConnectNamedPipe with an OVERLAPPED holding {@code connectEvent}.
     *
     * @return {@code true} if a client was already connected (ERROR_PIPE_CONNECTED): the event
     *     is not set, so the caller sets it; {@code false} if pending
     */
    boolean connect(PipeEvent connectEvent) throws IOException;

    /** GetOverlappedResult(bWait=FALSE) of the connect: true once connected. */
    boolean getOverlappedResult() throws IOException;

    /** ReadFileEx of one whole message. */
    void readFileEx(ReadRoutine routine) throws IOException;

    /** WriteFileEx of one message frame. */
    void writeFileEx(byte[] payload, WriteRoutine routine) throws IOException;

    /** WriteFileEx of one error frame. */
    void writeErrorEx(String reason, WriteRoutine routine) throws IOException;

    /**
     * FlushFileBuffers in this style: {@code routine} runs, in the next alertable wait, once
     * everything written has left the instance's outbound buffer, so that closing loses nothing.
     * Call it with no write outstanding. Windows has only a blocking FlushFileBuffers; its seam
     * queues the routine when that returns.
     */
    void flushEx(WriteRoutine routine) throws IOException;

    /** The connected client, as the OS reports it. */
    PeerIdentity peer();

    /**
     * DisconnectNamedPipe and CloseHandle. What was written and not yet flushed is discarded, as
     * on Windows: {@link #flushEx} first on a graceful end. Outstanding operations finish as
     * aborted, and their routines still run, in the next alertable wait. Idempotent.
     */
    @Override
    void close();
}
