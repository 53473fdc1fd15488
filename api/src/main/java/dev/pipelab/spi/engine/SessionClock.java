package dev.pipelab.spi.engine;

import dev.pipelab.api.PipeServerConfig;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Whether a session is open, when it last sent a request, and since when it is closing: what
 * its idle timeout and its grace period are measured from. Every engine's sessions keep one.
 * Thread-safe.
 */
final class SessionClock {

    // A field of its own rather than an AtomicBoolean: a loop's sweep looks at every session's
    // clock once a tick, and at 10,000 sessions a second object each is 10,000 more cache misses.
    private static final VarHandle CLOSING;

    static {
        try {
            CLOSING = MethodHandles.lookup().findVarHandle(SessionClock.class, "closing", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long graceNanos;
    private final long idleTimeoutNanos;
    private volatile boolean closing;
    private volatile long closingSince;
    private volatile long lastRequestNanos = System.nanoTime();
    private volatile boolean requestedSinceLastLook; // read the clock once a tick, not once a request

    SessionClock(PipeServerConfig config) {
        this.graceNanos = config.gracePeriod().toNanos();
        this.idleTimeoutNanos = config.idleTimeout().toNanos();
    }

    /** A request arrived: the idle timeout starts again, from the next look at the clock at the latest. */
    void requestArrived() {
        if (!requestedSinceLastLook) {
            requestedSinceLastLook = true;
        }
    }

    /** The session starts closing: its grace period starts. True the first time only. */
    boolean startClosing() {
        if (!CLOSING.compareAndSet(this, false, true)) {
            return false;
        }
        closingSince = System.nanoTime();
        return true;
    }

    /** How much of the grace period is left at {@code now}: all of it before the session starts closing. */
    java.time.Duration graceLeft(long now) {
        if (!closing) {
            return java.time.Duration.ofNanos(graceNanos);
        }
        return java.time.Duration.ofNanos(Math.max(0, graceNanos - (now - closingSince)));
    }

    /** True until the session starts closing. */
    boolean isOpen() {
        return !closing;
    }

    /** What is due at {@code now}: a forced disconnect after the grace period, an idle close, or nothing. */
    SessionDue due(long now) {
        if (closing) {
            return now - closingSince > graceNanos ? SessionDue.DISCONNECT : SessionDue.NOTHING;
        }
        if (idleTimeoutNanos == 0) {
            return SessionDue.NOTHING; // no idle timeout: nothing to look at
        }
        if (requestedSinceLastLook) {
            requestedSinceLastLook = false;
            lastRequestNanos = now; // at or after the request: an idle close may come a tick late, never early
            return SessionDue.NOTHING;
        }
        return idleTimeoutNanos > 0 && now - lastRequestNanos >= idleTimeoutNanos
                ? SessionDue.CLOSE_IDLE
                : SessionDue.NOTHING;
    }
}
