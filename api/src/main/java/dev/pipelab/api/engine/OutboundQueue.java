package dev.pipelab.api.engine;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One session's frames waiting to be written, with the bound of {@code outboundQueueBytes}.
 *
 * <p>Replies (answers to the session's own requests) are always taken: the engine applies
 * backpressure instead, reading no further request while the queue is at its bound. Pushes
 * (messages from elsewhere) are refused past the bound, and the caller then fails the session.
 * Once {@link #finish finished}, nothing more is taken except the one error frame.
 *
 * <p>Thread-safe. Blocking waits use a lock and conditions, so they park a virtual thread
 * without pinning its carrier.
 */
public final class OutboundQueue {

    private final long boundBytes;
    private final ServerCounters counters;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<OutboundFrame> frames = new ArrayDeque<>();
    private long queuedBytes;
    private boolean finished;
    private boolean released;

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
                return Offer.FULL;
            }
            frames.addLast(frame);
            queuedBytes += frame.accountedBytes();
            counters.queued(queuedBytes);
            changed.signalAll();
            return Offer.QUEUED;
        } finally {
            lock.unlock();
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
                frames.clear();
                queuedBytes = 0;
            }
            OutboundFrame error = OutboundFrame.error(reason);
            frames.addLast(error);
            queuedBytes += error.accountedBytes();
            finished = true;
            released = true;
            changed.signalAll();
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
            released = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Lets a reader waiting in {@link #awaitRoom} go on: the session is closing. */
    public void release() {
        lock.lock();
        try {
            released = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The next frame without waiting, or null if none is queued. */
    public OutboundFrame poll() {
        lock.lock();
        try {
            return removeFirst();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next frame, waiting for one; null once the queue is finished and empty.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public OutboundFrame take() throws InterruptedException {
        lock.lock();
        try {
            while (frames.isEmpty() && !finished) {
                changed.await();
            }
            return removeFirst();
        } finally {
            lock.unlock();
        }
    }

    /** Marks {@code frame}, taken earlier, as written: its bytes leave the account. */
    public void written(OutboundFrame frame) {
        lock.lock();
        try {
            queuedBytes -= frame.accountedBytes();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Backpressure for blocking engines: waits while the queue is at or over its bound, until
     * it drains or the session is released.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitRoom() throws InterruptedException {
        lock.lock();
        try {
            while (queuedBytes >= boundBytes && !released) {
                changed.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code nanos} for every queued frame to be written; true if it was. */
    public boolean awaitDrained(long nanos) throws InterruptedException {
        lock.lock();
        try {
            while (queuedBytes > 0 && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return queuedBytes <= 0;
        } finally {
            lock.unlock();
        }
    }

    /** True when the queue holds at least its bound, so the engine should read no more. */
    public boolean isFull() {
        lock.lock();
        try {
            return queuedBytes >= boundBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes queued or being written now. */
    public long queuedBytes() {
        lock.lock();
        try {
            return queuedBytes;
        } finally {
            lock.unlock();
        }
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

    private OutboundFrame removeFirst() {
        return frames.pollFirst(); // its bytes stay accounted until written
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "OutboundQueue[frames=" + frames.size() + ", bytes=" + queuedBytes + "/" + boundBytes
                    + (finished ? ", finished" : "") + "]";
        } finally {
            lock.unlock();
        }
    }
}
