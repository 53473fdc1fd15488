package dev.pipelab.spi.engine;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Joining the threads a server started, each wait bounded. */
public final class Threads {

    private static final Logger log = LoggerFactory.getLogger(Threads.class);

    private Threads() {}

    /**
     * Joins every thread in {@code threads}, all within {@code timeout} together.
     *
     * @return the threads still alive afterwards (empty when all ended)
     */
    public static List<Thread> joinAll(Collection<Thread> threads, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        for (Thread t : List.copyOf(threads)) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    t.join(Duration.ofNanos(left));
                }
            } catch (InterruptedException e) {
                interrupted = true; // keep joining the rest within the deadline
                deadline = System.nanoTime();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        List<Thread> alive = threads.stream().filter(Thread::isAlive).toList();
        if (!alive.isEmpty()) {
            log.warn(
                    "{} threads still running after {}: {}",
                    alive.size(),
                    timeout,
                    alive.stream().limit(5).map(Thread::getName).toList());
        }
        return alive;
    }

    /** Joins one thread within {@code timeout}; true if it ended. Restores the interrupt flag. */
    public static boolean join(Thread thread, Duration timeout) {
        try {
            return thread.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !thread.isAlive();
        }
    }
}
