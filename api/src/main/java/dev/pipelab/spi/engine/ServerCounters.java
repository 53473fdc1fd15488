package dev.pipelab.spi.engine;

import dev.pipelab.api.PipeServerStats;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link PipeServerStats}, safe to bump from any thread. */
public final class ServerCounters {

    private final AtomicLong sessionIds = new AtomicLong();
    private final LongAdder accepted = new LongAdder();
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder messagesIn = new LongAdder();
    private final LongAdder messagesOut = new LongAdder();
    private final LongAdder errorFrames = new LongAdder();
    private final AtomicLong peakQueuedBytes = new AtomicLong();

    /** A session connected; returns its id. */
    public long connected() {
        accepted.increment();
        active.incrementAndGet();
        return sessionIds.incrementAndGet();
    }

    public void disconnected() {
        active.decrementAndGet();
    }

    public void messageIn() {
        messagesIn.increment();
    }

    public void messageOut() {
        messagesOut.increment();
    }

    public void errorFrame() {
        errorFrames.increment();
    }

    /** A session's outbound queue holds {@code bytes} now. */
    public void queued(long bytes) {
        if (bytes > peakQueuedBytes.get()) {
            peakQueuedBytes.accumulateAndGet(bytes, Math::max);
        }
    }

    public int active() {
        return active.get();
    }

    public PipeServerStats snapshot() {
        return new PipeServerStats(
                accepted.sum(),
                active.get(),
                messagesIn.sum(),
                messagesOut.sum(),
                errorFrames.sum(),
                peakQueuedBytes.get());
    }

    @Override
    public String toString() {
        return "served=" + accepted.sum() + ", active=" + active.get() + ", in=" + messagesIn.sum() + ", out="
                + messagesOut.sum();
    }
}
