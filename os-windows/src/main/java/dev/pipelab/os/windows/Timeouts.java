package dev.pipelab.os.windows;

import java.time.Duration;

/** Timeouts as the Win32 waits take them: milliseconds in a DWORD, INFINITE for none. */
final class Timeouts {

    private Timeouts() {}

    /** {@code timeout} in whole milliseconds, rounded up so that a short wait is not a poll; INFINITE when too long to say. */
    static int milliseconds(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            return 0;
        }
        long ms = timeout.plusNanos(999_999).toMillis();
        return ms >= Integer.MAX_VALUE ? Win32.INFINITE : (int) ms;
    }

    /** What is left until {@code deadlineNanos} on the {@link System#nanoTime()} clock, in milliseconds, at least 0. */
    static int untilDeadline(long deadlineNanos) {
        return milliseconds(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
    }
}
