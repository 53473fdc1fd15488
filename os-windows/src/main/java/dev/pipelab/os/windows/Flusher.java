package dev.pipelab.os.windows;

import com.sun.jna.platform.win32.WinNT.HANDLE;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * FlushFileBuffers, which on a pipe waits until the client has read everything and has no
 * overlapped form, run on platform threads of its own: so it blocks neither a loop thread (the
 * overlapped sample leaves it out for that reason) nor the carrier of a virtual thread. The
 * threads end a second after their last flush, so none outlives the work.
 */
final class Flusher {

    private final Kernel32Calls calls;
    private final ThreadPoolExecutor threads;

    Flusher(Kernel32Calls calls) {
        this.calls = calls;
        AtomicInteger count = new AtomicInteger();
        this.threads =
                new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "pipelab-flush-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Starts FlushFileBuffers on {@code pipe}: the future completes with null once everything has
     * been read, or with the failure (the client gone, the instance disconnected meanwhile).
     */
    CompletableFuture<IOException> flush(HANDLE pipe) {
        CompletableFuture<IOException> done = new CompletableFuture<>();
        threads.execute(() -> {
            if (calls.FlushFileBuffers(pipe)) {
                done.complete(null);
            } else {
                done.complete(Win32Errors.ofOperation("FlushFileBuffers", calls.lastError()));
            }
        });
        return done;
    }
}
