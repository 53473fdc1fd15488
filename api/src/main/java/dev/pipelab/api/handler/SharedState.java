package dev.pipelab.api.handler;

import dev.pipelab.api.HandlerConcurrency;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Guards state a handler shares between sessions: a real lock where the engine calls handlers
 * concurrently, none at all where it calls them one at a time on its loop, which is already
 * the guard. A {@code ReentrantLock} rather than {@code synchronized}, so that a virtual thread
 * waiting for it parks instead of pinning its carrier.
 */
final class SharedState {

    private final ReentrantLock lock;

    SharedState(HandlerConcurrency concurrency) {
        this.lock = concurrency == HandlerConcurrency.CONCURRENT ? new ReentrantLock() : null;
    }

    /** Runs {@code action} with the state to itself. */
    <T> T guarded(Supplier<T> action) {
        if (lock == null) {
            return action.get(); // the loop thread is the only one here
        }
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    boolean isLocking() {
        return lock != null;
    }
}
