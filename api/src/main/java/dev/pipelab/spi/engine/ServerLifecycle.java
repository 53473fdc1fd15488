package dev.pipelab.spi.engine;

import java.io.IOException;

/**
 * The lifecycle every engine keeps: started at most once, never after close; close idempotent
 * and a no-op before start. Thread-safe. A close helper, not a loop.
 */
public final class ServerLifecycle {

    /** The work of a start, which may fail. */
    @FunctionalInterface
    public interface Start {
        void run() throws IOException;
    }

    private boolean started;
    private boolean closed;

    /**
     * Runs {@code start} unless the server was started or closed before.
     *
     * @throws IllegalStateException naming {@code server}, on a second start or a start after close
     */
    public synchronized void start(Object server, Start start) throws IOException {
        if (started || closed) {
            throw new IllegalStateException(server + " was started before");
        }
        start.run();
        started = true;
    }

    /** True for the first close after a successful start: the caller then stops its server. */
    public synchronized boolean beginClose() {
        if (closed) {
            return false;
        }
        closed = true;
        return started;
    }

    /** True between a successful start and the first close. */
    public synchronized boolean isOpen() {
        return started && !closed;
    }
}
