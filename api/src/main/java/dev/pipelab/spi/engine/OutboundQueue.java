package dev.pipelab.spi.engine;

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
 */
public final class OutboundQueue {

    private final long boundBytes;
    private final ServerCounters counters;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<OutboundFrame> frames = new ArrayDeque<>(2); // most hold a frame or two: small while idle
    private long queuedBytes;
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
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The next frame without waiting, or null if none is queued. */
    public OutboundFrame poll() {
        lock.lock();
        try {
            return frames.pollFirst(); // its bytes stay accounted until written
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
            while (frames.isEmpty() && !finished) {
                changed.await();
            }
            return !frames.isEmpty();
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
