package dev.pipelab.spi.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;

/**
 * One session's frames waiting to be written, with the bound of {@code outboundQueueBytes}.
 *
 * <p>Replies (answers to the session's own requests) are always taken: the engine applies
 * backpressure instead, reading no further request of that client until its replies are
 * written. Pushes
 * (messages from elsewhere) are refused past the bound, and the caller then fails the session.
 * Once {@link #finish finished}, nothing more is taken except the one error frame.
 *
 * <p>Thread-safe. The lock is the queue's own monitor, held only for a few field writes and
 * never while waiting: a writer that waits for frames ({@link #awaitFrames}, one writer at a
 * time) parks outside it ({@link LockSupport#park}), so a virtual thread waits without pinning
 * its carrier.
 *
 * <p>Most of the time a queue holds one frame or none, and a loop engine touches each of
 * thousands of queues once a message: so the oldest frame has a field of its own, the rest a
 * deque made only when a second frame waits, and the lock is the queue object itself (a
 * {@code ReentrantLock} would be two objects more, both touched at every lock); each object
 * fewer on that path is a cache miss fewer per message. Of the four calls a message makes
 * (offer, poll, written, and the poll that finds the queue empty), only the first two take the
 * lock: the account of bytes is one atomic field, and a poll of an empty queue looks without
 * it. A frame queued by another thread meanwhile is not lost by that look: whoever queues it
 * tells the writer (the loop's outboundReady, the waiting writer's unpark).
 */
public final class OutboundQueue {

    private final long boundBytes;
    private final ServerCounters counters;
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
    private Thread waitingWriter; // the writer in awaitFrames, or null; under the lock
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
        Thread writer;
        synchronized (this) {
            if (finished) {
                return Offer.FINISHED;
            }
            if (bounded && queuedBytes + frame.accountedBytes() > boundBytes) {
                return Offer.FULL; // a write finishing meanwhile may have made room: the bound holds, at worst early
            }
            add(frame);
            counters.queued(account(frame.accountedBytes()));
            writer = waitingWriter;
        }
        wake(writer);
        return Offer.QUEUED;
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

    /** Wakes the writer that was waiting for frames, if one was; outside the lock. */
    private static void wake(Thread writer) {
        if (writer != null) {
            LockSupport.unpark(writer);
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
        Thread writer;
        synchronized (this) {
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
            writer = waitingWriter;
        }
        wake(writer);
        return true;
    }

    /** No more frames: the writer ends once the queue is empty. Idempotent. */
    public void finish() {
        Thread writer;
        synchronized (this) {
            finished = true;
            writer = waitingWriter;
        }
        wake(writer);
    }

    /** The next frame without waiting, or null if none is queued. */
    public OutboundFrame poll() {
        if (OLDEST.getAcquire(this) == null) {
            return null; // see the class comment: a frame queued after this look is announced to the writer
        }
        synchronized (this) {
            OutboundFrame next = oldest; // its bytes stay accounted until written
            oldest = younger != null ? younger.pollFirst() : null;
            return next;
        }
    }

    /**
     * Waits until a frame is queued; false once the queue is finished and empty, so that a
     * writer thread knows to end. One writer waits at a time.
     *
     * @throws InterruptedException if interrupted while waiting (the interrupt is cleared)
     * @throws IllegalStateException if another thread is waiting already
     */
    public boolean awaitFrames() throws InterruptedException {
        Thread me = Thread.currentThread();
        while (true) {
            synchronized (this) {
                if (oldest != null || finished) {
                    if (waitingWriter == me) {
                        waitingWriter = null;
                    }
                    return oldest != null;
                }
                if (waitingWriter != null && waitingWriter != me) {
                    throw new IllegalStateException("another writer waits already: " + waitingWriter);
                }
                waitingWriter = me; // a frame queued from now on unparks us, before or during the park
            }
            LockSupport.park(this);
            if (Thread.interrupted()) {
                synchronized (this) {
                    waitingWriter = null;
                }
                throw new InterruptedException();
            }
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
    public synchronized boolean isFinished() {
        return finished;
    }

    @Override
    public synchronized String toString() {
        int frames = oldest == null ? 0 : 1 + (younger != null ? younger.size() : 0);
        return "OutboundQueue[frames=" + frames + ", bytes=" + queuedBytes + "/" + boundBytes
                + (finished ? ", finished" : "") + "]";
    }
}
