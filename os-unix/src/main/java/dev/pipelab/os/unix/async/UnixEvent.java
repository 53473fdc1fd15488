package dev.pipelab.os.unix.async;

import dev.pipelab.spi.os.PipeEvent;

/**
 * A manual-reset event of the Unix seam: a flag the selector loop looks at. Set from the loop
 * thread, it also marks its instance as signalled for a fast scan; set from any other thread,
 * it wakes the loop's select.
 */
public final class UnixEvent implements PipeEvent {

    private final UnixAsyncIo io;
    private final int ordinal; // the instance's index for the signalled set, or -1
    private volatile boolean signalled;

    UnixEvent(UnixAsyncIo io, int ordinal, boolean initiallySet) {
        this.io = io;
        this.ordinal = ordinal;
        this.signalled = initiallySet;
        if (initiallySet) {
            io.signalled(this);
        }
    }

    int ordinal() {
        return ordinal;
    }

    @Override
    public void set() {
        signalled = true;
        io.signalled(this);
    }

    @Override
    public void reset() {
        signalled = false;
        io.reset(this);
    }

    @Override
    public boolean isSet() {
        return signalled;
    }

    @Override
    public String toString() {
        return signalled ? "signalled" : "unsignalled";
    }
}
