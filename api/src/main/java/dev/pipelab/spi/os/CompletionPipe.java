package dev.pipelab.spi.os;

import dev.pipelab.api.PipeAddress;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;

/**
 * The completion-routine style of the seam: reads and writes name a routine to run when they
 * finish; routines run only on the thread that started them, and only while that thread is in
 * {@link #waitAlertable}. Other threads reach that thread with {@link #queueUserApc}.
 *
 * <p>On Unix the alertable wait is where the I/O happens: it selects the ready sockets, reads
 * and writes them, queues the routines of the operations that finished, and runs every queued
 * routine and APC before it returns, much as Boost.Asio emulates completions on epoll.
 */
public interface CompletionPipe extends Closeable {

    /** What an alertable wait returned. */
    enum WaitResult {
        /** WAIT_OBJECT_0: the event was signalled. */
        SIGNALLED,
        /** WAIT_IO_COMPLETION: completion routines or APCs ran. */
        IO_COMPLETION,
        /** WAIT_TIMEOUT. */
        TIMEOUT
    }

    /** The endpoint clients connect to. */
    PipeAddress address();

    /** CreateEvent: a manual-reset event, signalled at first if {@code initiallySet}. Call it on the waiting thread. */
    PipeEvent createEvent(boolean initiallySet);

    /** CreateNamedPipe with FILE_FLAG_OVERLAPPED. Call it on the waiting thread. */
    CompletionInstance createInstance() throws IOException;

    /**
     * WaitForSingleObjectEx(event, timeout, bAlertable=TRUE). The first call binds this pipe
     * to the calling thread; only that thread may call it, or start operations, afterwards.
     *
     * <p>As on Windows, queued routines and APCs come before a signalled event: while any ran,
     * the wait returns {@link WaitResult#IO_COMPLETION}, whatever the event's state. A caller
     * that must not miss the event under a steady stream of completions looks at it then too.
     */
    WaitResult waitAlertable(PipeEvent event, Duration timeout) throws IOException;

    /** QueueUserAPC, from any thread: {@code apc} runs in the waiting thread's next alertable wait. */
    void queueUserApc(Runnable apc);

    /**
     * Closes the listening end: no new client can connect, and every pending connect finishes
     * as failed (its event is set, and GetOverlappedResult throws
     * {@link java.nio.channels.ClosedChannelException}), as closing a Windows instance that
     * waits in ConnectNamedPipe does.
     */
    void stopAccepting();

    /** Stops accepting and removes the endpoint. Instances are closed by their owner. */
    @Override
    void close();
}
