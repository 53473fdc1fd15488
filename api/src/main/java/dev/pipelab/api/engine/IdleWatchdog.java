package dev.pipelab.api.engine;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the sessions of a blocking engine that have sent nothing for {@code idleTimeout}. A
 * blocking read cannot time out by itself, so one small thread per server looks at the clock.
 */
public final class IdleWatchdog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IdleWatchdog.class);

    private final ScheduledExecutorService timer;

    private IdleWatchdog(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /**
     * Starts watching {@code sessions} (a live, thread-safe view) on a thread called
     * {@code threadName}; a zero timeout watches nothing and starts no thread.
     */
    public static IdleWatchdog start(String threadName, Duration idleTimeout,
            Collection<BlockingConversation> sessions) {
        if (idleTimeout.isZero()) {
            return new IdleWatchdog(null);
        }
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                task -> Thread.ofPlatform().name(threadName).daemon().unstarted(task));
        long timeoutNanos = idleTimeout.toNanos();
        long periodNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10), timeoutNanos / 4);
        timer.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            for (BlockingConversation session : sessions) {
                if (session.isOpen() && session.idleNanos(now) >= timeoutNanos) {
                    log.debug("{}: idle for {}, closing", session, idleTimeout);
                    session.close();
                }
            }
        }, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
        return new IdleWatchdog(timer);
    }

    /** Stops the thread and waits for it. */
    @Override
    public void close() {
        if (timer == null) {
            return;
        }
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("idle watchdog did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
