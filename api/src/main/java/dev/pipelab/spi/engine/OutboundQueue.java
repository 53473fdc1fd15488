package dev.pipelab.spi.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One session's frames waiting to be written, with the bound of {@code outboundQueueBytes}.
 *
 * <p>Replies (answers to the session's own requests) are always taken: the engine applies
 * backpressure instead, reading no further request of that client until its replies are
 * written. Pushes
 * (messages from elsewhere) are refused past the bound, and the caller then fails the session.
 * Once {@link #finish finished}, nothing more is taken except the one error frame.
 *
 * <p>Thread-safe. Blocking waits use a lock and conditions, so they park a virtual thread
 * without pinning its carrier.
 *
 * <p>Most of the time a queue holds one frame or none, and a loop engine touches each of
 * thousands of queues once a message: so the oldest frame has a field of its own, the rest a
 * deque made only when a second frame waits, and the condition is signalled only while a
 * writer waits on it; each object fewer on that path is a cache miss fewer per message. Of the
 * four calls a message makes (offer, poll, written, and the poll that finds the queue empty),
 * only the first two take the lock: the account of bytes is one atomic field, and a poll of an
 * empty queue looks without it. A frame queued by another thread meanwhile is not lost by that
 * look: whoever queues it tells the writer (the loop's outboundReady, the writer's condition).
 */
public final class OutboundQueue {

    private final long boundBytes;
    private final ServerCounters counters;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private static final VarHandle OLDEST;
    private static final VarHandle QUEUED_BYTES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            OLDEST = lookup.findVarHandle(OutboundQueue.class, "oldest", OutboundFrame.class);
            QUEUED_BYTES = lookup.findVarHandle(OutboundQueue.class, "queuedBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private OutboundFrame oldest; // the next frame to write; null when none is queued. Written under the lock
    private ArrayDeque<OutboundFrame> younger; // the frames after it, made when the first of them comes
    private int writersWaiting; // in awaitFrames
    private volatile long queuedBytes; // queued or being written; changed only through QUEUED_BYTES
    private boolean finished;

    /** A queue bounded at {@code boundBytes} that reports its size to {@code counters}. */
    public OutboundQueue(long boundBytes, ServerCounters counters) {
        this.boundBytes = boundBytes;
        this.counters = counters;
    }

    /** What became of an offered frame. */
    public enum Offer {
        /** Queued for writing. */
        QUEUED,
        /** Refused: it would take the queue past its bound. */
        FULL,
        /** Refused: the queue is finished. */
        FINISHED
    }

    /** Queues a reply unless finished. */
    public Offer offerReply(byte[] payload) {
        return offer(OutboundFrame.message(payload), false);
    }

    /** Queues a push unless finished or the bound would be exceeded. */
    public Offer offerPush(byte[] payload) {
        return offer(OutboundFrame.message(payload), true);
    }

    private Offer offer(OutboundFrame frame, boolean bounded) {
        lock.lock();
        try {
            if (finished) {
                return Offer.FINISHED;
            }
            if (bounded && queuedBytes + frame.accountedBytes() > boundBytes) {
                return Offer.FULL; // a write finishing meanwhile may have made room: the bound holds, at worst early
            }
            add(frame);
            counters.queued(account(frame.accountedBytes()));
            signalWriters();
            return Offer.QUEUED;
        } finally {
            lock.unlock();
        }
    }

    /** Adds {@code bytes} (negative: takes them) to the account; returns the new total. */
    private long account(long bytes) {
        return (long) QUEUED_BYTES.getAndAdd(this, bytes) + bytes;
    }

    /** Queues {@code frame} last; under the lock. */
    private void add(OutboundFrame frame) {
        if (oldest == null) {
            oldest = frame; // then younger is empty: the oldest is taken before any younger one
        } else {
            if (younger == null) {
                younger = new ArrayDeque<>();
            }
            younger.addLast(frame);
        }
    }

    /** Wakes the writers waiting for frames, if any; under the lock. */
    private void signalWriters() {
        if (writersWaiting > 0) {
            changed.signalAll();
        }
    }

    /** The bound, in bytes. */
    public long boundBytes() {
        return boundBytes;
    }

    /**
     * Ends the queue with an error frame. With {@code dropQueued}, frames not yet written are
     * discarded first (the client is not reading them); otherwise the error follows them.
     *
     * @return false if the queue was already finished
     */
    public boolean finishWithError(String reason, boolean dropQueued) {
        lock.lock();
        try {
            if (finished) {
                return false;
            }
            if (dropQueued) {
                // the frames dropped leave the account; one being written stays in it until written
                long dropped = 0;
                for (OutboundFrame f = oldest; f != null; f = younger != null ? younger.pollFirst() : null) {
                    dropped += f.accountedBytes();
                }
                oldest = null;
                younger = null;
                account(-dropped);
            }
            OutboundFrame error = OutboundFrame.error(reason);
            add(error);
            account(error.accountedBytes());
            finished = true;
            signalWriters();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** No more frames: the writer ends once the queue is empty. Idempotent. */
    public void finish() {
        lock.lock();
        try {
            finished = true;
            signalWriters();
        } finally {
            lock.unlock();
        }
    }

    /** The next frame without waiting, or null if none is queued. */
    public OutboundFrame poll() {
        if (OLDEST.getAcquire(this) == null) {
            return null; // see the class comment: a frame queued after this look is announced to the writer
        }
        lock.lock();
        try {
            OutboundFrame next = oldest; // its bytes stay accounted until written
            oldest = younger != null ? younger.pollFirst() : null;
            return next;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a frame is queued; false once the queue is finished and empty, so that a
     * writer thread knows to end.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitFrames() throws InterruptedException {
        lock.lock();
        try {
            writersWaiting++;
            try {
                while (oldest == null && !finished) {
                    changed.await();
                }
            } finally {
                writersWaiting--;
            }
            return oldest != null;
        } finally {
            lock.unlock();
        }
    }

    /** Marks {@code frame}, taken earlier, as written: its bytes leave the account. */
    public void written(OutboundFrame frame) {
        account(-frame.accountedBytes()); // nobody waits for the account to shrink: no signal
    }

    /** Bytes queued or being written now. */
    public long queuedBytes() {
        return queuedBytes;
    }

    /** True once finished. */
    public boolean isFinished() {
        lock.lock();
        try {
            return finished;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            int frames = oldest == null ? 0 : 1 + (younger != null ? younger.size() : 0);
            return "OutboundQueue[frames=" + frames + ", bytes=" + queuedBytes + "/" + boundBytes
                    + (finished ? ", finished" : "") + "]";
        } finally {
            lock.unlock();
        }
    }
}
