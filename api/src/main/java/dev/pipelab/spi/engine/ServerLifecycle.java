package dev.pipelab.spi.engine;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lifecycle every engine keeps: started at most once, never after close; close idempotent
 * and a no-op before start. Thread-safe, with a lock rather than a monitor, so that a virtual
 * thread that waits for it parks instead of pinning its carrier. A close helper, not a loop.
 */
public final class ServerLifecycle {

    /** The work of a start, which may fail. */
    @FunctionalInterface
    public interface Start {
        void run() throws IOException;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private boolean started;
    private boolean closed;

    /**
     * Runs {@code start} unless the server was started or closed before.
     *
     * @throws IllegalStateException naming {@code server}, on a second start or a start after close
     */
    public void start(Object server, Start start) throws IOException {
        lock.lock();
        try {
            if (started || closed) {
                throw new IllegalStateException(server + " was started before");
            }
            start.run();
            started = true;
        } finally {
            lock.unlock();
        }
    }

    /** True for the first close after a successful start: the caller then stops its server. */
    public boolean beginClose() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            return started;
        } finally {
            lock.unlock();
        }
    }

    /** True between a successful start and the first close. */
    public boolean isOpen() {
        lock.lock();
        try {
            return started && !closed;
        } finally {
            lock.unlock();
        }
    }
}
