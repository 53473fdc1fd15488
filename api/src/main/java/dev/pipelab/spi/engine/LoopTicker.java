package dev.pipelab.spi.engine;

import java.time.Duration;

/**
 * When a single-threaded loop's once-a-tick sweep (idle sessions, grace periods) is due. A busy
 * loop turns hundreds of thousands of times a second, so it reads the clock only every few turns,
 * and always after a wait that timed out; a sweep is due once a tick has passed since the last.
 * Used by the loop thread only.
 */
public final class LoopTicker {

    /** Turns between two looks at the clock while the loop is busy. */
    static final int TURNS_PER_CLOCK_READ = 32;

    private final long tickNanos;
    private long lastSweep = System.nanoTime();
    private int turns;

    /** A ticker for sweeps at most once per {@code tick}. */
    public LoopTicker(Duration tick) {
        this.tickNanos = tick.toNanos();
    }

    /**
     * Counts one turn of the loop; true when a sweep is due now.
     *
     * @param waitTimedOut true when this turn's wait ended without an event: the loop is idle,
     *     so the clock is read at once
     */
    public boolean sweepDue(boolean waitTimedOut) {
        if (!waitTimedOut && ++turns < TURNS_PER_CLOCK_READ) {
            return false;
        }
        turns = 0;
        long now = System.nanoTime();
        if (now - lastSweep < tickNanos) {
            return false;
        }
        lastSweep = now;
        return true;
    }

    /** When the due sweep was found due: the {@code now} it should use. */
    public long sweepTime() {
        return lastSweep;
    }
}
