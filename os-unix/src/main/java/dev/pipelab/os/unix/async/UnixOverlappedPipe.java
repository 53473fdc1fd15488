package dev.pipelab.os.unix.async;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.spi.os.OverlappedInstance;
import dev.pipelab.spi.os.OverlappedPipe;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The overlapped style on Unix. WaitForMultipleObjects becomes: perform the ready I/O (which
 * signals the events of the operations it finishes), then report a signalled event, scanning
 * from the index the caller names.
 */
public final class UnixOverlappedPipe implements OverlappedPipe {

    private final UnixAsyncIo io;
    private final UnixEvent wakeEvent;

    /** The overlapped style over {@code io}, which it owns from now on. */
    public UnixOverlappedPipe(UnixAsyncIo io) {
        this.io = io;
        this.wakeEvent = new UnixEvent(io, -1, false);
    }

    @Override
    public PipeAddress address() {
        return io.listener().address();
    }

    @Override
    public OverlappedInstance createInstance() {
        io.checkOwner();
        return UnixAsyncInstance.overlapped(io, io.listener().config().maxMessageBytes());
    }

    @Override
    public int waitForAny(List<? extends OverlappedInstance> instances, int first, Duration timeout)
            throws IOException {
        io.checkOwner();
        long deadline = 0; // read the clock only if the wait has to block
        if (wakeEvent.isSet() || io.nextSignalledFrom(first) < 0) {
            // Before the scan wraps around, do the ready I/O: each round over the signalled
            // instances polls once, so instances whose events stay set cannot starve the rest.
            io.poll(0);
        }
        while (true) {
            if (wakeEvent.isSet()) {
                wakeEvent.reset();
                return instances.size();
            }
            int signalled = io.nextSignalled(first);
            if (signalled >= 0) {
                if (signalled >= instances.size()
                        || ((UnixEvent) instances.get(signalled).event()).ordinal() != signalled) {
                    throw new IllegalArgumentException("instances must be listed in the order they were created");
                }
                return signalled;
            }
            if (deadline == 0) {
                deadline = System.nanoTime() + timeout.toNanos();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return WAIT_TIMEOUT;
            }
            io.poll(Math.max(1, left / 1_000_000));
        }
    }

    @Override
    public void wake() {
        wakeEvent.set();
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
        return "UnixOverlappedPipe[" + io.listener() + "]";
    }
}
