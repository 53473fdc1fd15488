package dev.pipelab.report;

import java.io.IOException;
import java.util.List;

/**
 * How the load driver's clients reach the server: the one place where the two drivers differ.
 * {@link WorkloadDriver} keeps the conversation (what each client sends next, every check, the
 * windows); a transport only connects, moves bytes and tells the driver what arrived.
 *
 * <dl>
 *   <dt>{@link LoadDriver#SELECTOR} ({@link SelectorTransport})
 *   <dd>every client on one thread and one Selector over non-blocking AF_UNIX channels: the
 *       driver costs almost nothing beside the server. What the report has always measured, and
 *       the default where pipes are AF_UNIX sockets.
 *   <dt>{@link LoadDriver#THREADS} ({@link ThreadsTransport})
 *   <dd>a virtual thread per client over the OS seam's client end ({@link
 *       dev.pipelab.api.PipeClient}): a named pipe on Windows, whose overlapped calls complete
 *       through an I/O completion port so the threads park; an AF_UNIX socket elsewhere. The
 *       default where pipes are not AF_UNIX sockets; heavier, so its figures are lower.
 * </dl>
 *
 * <p>The driver's bookkeeping takes its own lock; a transport calls it from any of its threads,
 * never while holding a lock of its own that the driver's calls back ({@link #send}, {@link
 * #close}) would need.
 */
interface ClientTransport extends AutoCloseable {

    /** Phase 1: connects {@code clients}, retrying while the server is busy, until {@code deadlineNanos}; fails the rest. */
    void connect(List<WorkloadDriver.Client> clients, long deadlineNanos) throws IOException;

    /** {@code c} may send now: send what the driver gives it, if it is connected and has nothing unsent. */
    void send(WorkloadDriver.Client c);

    /** Lets the clients talk until {@code deadlineNanos}, or until the driver has every reply it asked for. */
    void pump(long deadlineNanos);

    /** Hangs up {@code c}, now or as soon as the thread that owns its connection can. */
    void close(WorkloadDriver.Client c);

    /** After the run: fails each idle client whose connection the server has not held. */
    void checkIdle(List<WorkloadDriver.Client> idle);

    /** Hangs up every client and ends every thread this transport started. */
    @Override
    void close();
}
