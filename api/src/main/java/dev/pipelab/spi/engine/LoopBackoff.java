package dev.pipelab.spi.engine;

import java.time.Duration;

/**
 * What a server loop does when its own work fails (not a client's): wait a second instead of
 * spinning, as Netty does, and give up after a run of failures so the server stops with the
 * cause instead of logging forever.
 */
public final class LoopBackoff {

    /** Consecutive failures after which the loop gives up. */
    public static final int MAX_CONSECUTIVE_FAILURES = 10;

    private static final Duration PAUSE = Duration.ofSeconds(1);

    private int consecutiveFailures;

    /** The loop did its work: forget earlier failures. */
    public void succeeded() {
        consecutiveFailures = 0;
    }

    /**
     * The loop failed: pauses, unless interrupted.
     *
     * @return false when the loop should give up: too many failures in a row, or interrupted
     */
    public boolean failedAndPaused() {
        if (++consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
            return false;
        }
        try {
            Thread.sleep(PAUSE); // a deliberate pause between retries, not synchronisation
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
