package dev.pipelab.os.unix.async;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.spi.os.CompletionInstance;
import dev.pipelab.spi.os.CompletionPipe;
import dev.pipelab.spi.os.PipeEvent;
import java.io.IOException;
import java.time.Duration;

/**
 * The completion-routine style on Unix. The alertable wait performs the ready I/O, which queues
 * the routines of the operations it finishes as APCs of the owning thread, then runs every
 * queued APC; only if none ran does it look at the event, and only if that is not signalled
 * does it block in select.
 */
public final class UnixCompletionPipe implements CompletionPipe {

    private final UnixAsyncIo io;

    /** The completion style over {@code io}, which it owns from now on. */
    public UnixCompletionPipe(UnixAsyncIo io) {
        this.io = io;
    }

    @Override
    public PipeAddress address() {
        return io.listener().address();
    }

    @Override
    public PipeEvent createEvent(boolean initiallySet) {
        io.checkOwner();
        return new UnixEvent(io, -1, initiallySet);
    }

    @Override
    public CompletionInstance createInstance() {
        io.checkOwner();
        return UnixAsyncInstance.completion(io, io.listener().config().maxMessageBytes());
    }

    @Override
    public WaitResult waitAlertable(PipeEvent event, Duration timeout) throws IOException {
        io.checkOwner();
        long deadline = 0; // read the clock only if the wait has to block
        io.poll(0);
        while (true) {
            if (io.runApcs()) {
                return WaitResult.IO_COMPLETION;
            }
            if (event.isSet()) {
                return WaitResult.SIGNALLED;
            }
            if (deadline == 0) {
                deadline = System.nanoTime() + timeout.toNanos();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return WaitResult.TIMEOUT;
            }
            io.poll(Math.max(1, left / 1_000_000));
        }
    }

    @Override
    public void queueUserApc(Runnable apc) {
        io.queueApc(apc);
    }

    @Override
    public void stopAccepting() {
        io.stopAccepting();
    }

    @Override
    public void close() {
        io.close();
    }

    @Override
    public String toString() {
        return "UnixCompletionPipe[" + io.listener() + "]";
    }
}
