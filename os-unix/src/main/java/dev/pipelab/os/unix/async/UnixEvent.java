package dev.pipelab.os.unix.async;

import dev.pipelab.spi.os.PipeEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A manual-reset event of the Unix seam: a flag the selector loop looks at. Set from the loop
 * thread, it also marks its instance as signalled for a fast scan; set from any other thread,
 * it wakes the loop's select.
 *
 * <p>The loop thread writes the flag with release semantics, not as a volatile: it sets and
 * resets an instance's event once each per message, and a volatile write is a full fence on
 * x86. Its own reads see its own writes, and no other thread waits on an instance's event.
 * Every other thread writes it as a volatile, as before: a set of the wake event from another
 * thread must be seen by a loop that checks the flag after its epoll_wait returns.
 */
public final class UnixEvent implements PipeEvent {

    private static final VarHandle SIGNALLED;

    static {
        try {
            SIGNALLED = MethodHandles.lookup().findVarHandle(UnixEvent.class, "signalled", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final UnixAsyncIo io;
    private final int ordinal; // the instance's index for the signalled set, or -1

    private volatile boolean signalled; // written by the loop thread through SIGNALLED

    UnixEvent(UnixAsyncIo io, int ordinal, boolean initiallySet) {
        this.io = io;
        this.ordinal = ordinal;
        if (initiallySet) {
            set();
        }
    }

    int ordinal() {
        return ordinal;
    }

    @Override
    public void set() {
        if (io.isOwner()) {
            SIGNALLED.setRelease(this, true);
            io.signalledByOwner(this);
        } else {
            signalled = true;
            io.signalledElsewhere(this);
        }
    }

    @Override
    public void reset() {
        if (io.isOwner()) {
            SIGNALLED.setRelease(this, false);
            io.resetByOwner(this);
        } else {
            signalled = false;
        }
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
