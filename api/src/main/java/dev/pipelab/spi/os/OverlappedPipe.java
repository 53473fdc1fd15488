package dev.pipelab.spi.os;

import dev.pipelab.api.PipeAddress;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The overlapped style of the seam: instances whose connect, read and write return at once and
 * finish later, each signalling the instance's {@link PipeEvent}; one thread waits for any of
 * them (WaitForMultipleObjects) and finishes what finished (GetOverlappedResult).
 *
 * <p>Only the thread that calls {@link #waitForAny} may use the instances; other threads may
 * only call {@link #wake()}. On Unix the wait is where the I/O happens: it selects the ready
 * sockets, reads and writes them, and signals the events of the operations that finished.
 *
 * <p><b>MAXIMUM_WAIT_OBJECTS.</b> On Windows one WaitForMultipleObjects takes at most 64
 * handles. The Windows implementation will wait on groups of 63 instance events plus the wake
 * event, one group per waiter thread that forwards to the loop (the documented workaround),
 * or register each event with RegisterWaitForSingleObject. On Unix there is no such limit:
 * one Selector (epoll) takes every instance.
 */
public interface OverlappedPipe extends Closeable {

    /** {@link #waitForAny} found no signalled event within its timeout (WAIT_TIMEOUT). */
    int WAIT_TIMEOUT = -1;

    /** The endpoint clients connect to. */
    PipeAddress address();

    /**
     * CreateNamedPipe with FILE_FLAG_OVERLAPPED, and CreateEvent for its operations. The first
     * call, or the first {@link #waitForAny}, binds this pipe to the calling thread.
     */
    OverlappedInstance createInstance() throws IOException;

    /**
     * WaitForMultipleObjects(bWaitAll=FALSE) over the instances' events followed by the wake
     * event. Unlike Windows, which always reports the lowest signalled index, the scan starts
     * at {@code first} and wraps around, so that a busy low-numbered instance cannot starve
     * the others.
     *
     * @param instances every instance this pipe created, in the order {@link #createInstance}
     *     returned them: the index of an event is its instance's place in that order, which is
     *     how a seam maps a signalled event back without a lookup (a list in any other order is
     *     refused)
     * @return the index of a signalled event: {@code 0..instances.size()-1} for an instance,
     *     {@code instances.size()} for the wake event (reset by this call), or
     *     {@link #WAIT_TIMEOUT}
     */
    int waitForAny(List<? extends OverlappedInstance> instances, int first, Duration timeout) throws IOException;

    /** SetEvent on the wake event, from any thread: {@link #waitForAny} returns its index. */
    void wake();

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
