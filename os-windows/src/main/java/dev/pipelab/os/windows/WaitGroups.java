package dev.pipelab.os.windows;

import com.sun.jna.Memory;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import dev.pipelab.spi.os.OverlappedInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The documented way past MAXIMUM_WAIT_OBJECTS: one waiter thread per group of 63 instance
 * events. A waiter waits on its group and its own control event; when one of its events is
 * signalled it marks its group ready, sets the loop's ready event, and waits on its control event
 * until the loop has taken what it found. The loop, woken by the ready event, checks each ready
 * group with a wait that does not block and returns the index it finds; a group in which nothing
 * is signalled any more is handed back to its waiter (SetEvent on its control event), which then
 * waits on its group again. So each group costs one thread and no polling, every signalled event
 * is seen, and the loop alone finishes operations, as in the sample. Groups are checked in turn,
 * so no group starves another; within a group the lowest index comes first, as Windows does.
 */
final class WaitGroups implements AutoCloseable {

    private static final int GROUP = Win32.MAXIMUM_WAIT_OBJECTS - 1;

    private final Kernel32Calls calls;
    private final WindowsEvent ready;
    private final List<Waiter> waiters = new ArrayList<>();
    private int nextGroup; // where the next check starts, for fairness

    WaitGroups(Kernel32Calls calls) throws IOException {
        this.calls = calls;
        this.ready = WindowsEvent.create(calls, false); // manual-reset: takeSignalled resets it
    }

    HANDLE readyEvent() {
        return ready.handle();
    }

    /** Makes the waiters cover the instances from {@code from} on, adding waiters as the list grows. */
    void watch(List<? extends OverlappedInstance> instances, int from) {
        int n = instances.size();
        int needed = (n - from + GROUP - 1) / GROUP;
        try {
            while (waiters.size() < needed) {
                waiters.add(new Waiter(waiters.size()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int g = 0; g < waiters.size(); g++) {
            int start = from + g * GROUP;
            int end = Math.min(n, start + GROUP);
            waiters.get(g).cover(instances, start, end);
        }
    }

    /** An instance index whose event is signalled in a ready group, or -1; hands quiet groups back. */
    int takeSignalled() {
        ready.reset();
        int count = waiters.size();
        for (int i = 0; i < count; i++) {
            Waiter w = waiters.get((nextGroup + i) % count);
            if (!w.reported) {
                continue;
            }
            int found = w.signalledNow();
            if (found >= 0) {
                nextGroup = (nextGroup + i + 1) % count;
                return found;
            }
            w.resume();
        }
        return -1;
    }

    @Override
    public void close() {
        waiters.forEach(Waiter::stop);
        waiters.clear();
        ready.close();
    }

    /** One group's thread and its handles. */
    private final class Waiter {
        private final WindowsEvent control;
        private final Memory handles = new Memory((long) Win32.MAXIMUM_WAIT_OBJECTS * NativeLayout.POINTER);
        private final Memory waitingOn = new Memory((long) Win32.MAXIMUM_WAIT_OBJECTS * NativeLayout.POINTER);
        private final Thread thread;
        private volatile int start;
        private volatile int size;
        private volatile boolean reported;
        private volatile boolean stopping;

        Waiter(int group) throws IOException {
            control = WindowsEvent.create(calls, false);
            thread = new Thread(this::run, "pipelab-wait-group-" + (group + 1));
            thread.setDaemon(true);
        }

        /** Sets the instances [start, end); the waiter is parked on its control event or told to look again. */
        void cover(List<? extends OverlappedInstance> instances, int from, int end) {
            if (from == start && end - from == size && thread.isAlive()) {
                return;
            }
            // The waiter waits on a copy it takes under this lock; rewriting the array, then waking
            // it through the control event, makes it wait on the new one.
            synchronized (this) {
                for (int i = from; i < end; i++) {
                    handles.setPointer(
                            (long) (i - from) * NativeLayout.POINTER,
                            WindowsOverlappedPipe.eventOf(instances, i).getPointer());
                }
                handles.setPointer(
                        (long) (end - from) * NativeLayout.POINTER,
                        control.handle().getPointer());
                start = from;
                size = end - from;
            }
            if (!thread.isAlive()) {
                thread.start();
            } else if (!reported) {
                control.set(); // look again, at the new array
            }
        }

        /** Checks the group now, without blocking: the instance index of a signalled event, or -1. */
        int signalledNow() {
            int r;
            synchronized (this) {
                r = calls.WaitForMultipleObjects(size, handles, false, 0);
            }
            return r >= Win32.WAIT_OBJECT_0 && r < Win32.WAIT_OBJECT_0 + size ? start + r - Win32.WAIT_OBJECT_0 : -1;
        }

        void resume() {
            reported = false;
            control.set();
        }

        private void run() {
            while (!stopping) {
                int n;
                synchronized (this) {
                    n = size; // a copy of the array, so that cover() may rewrite it meanwhile
                    waitingOn.write(
                            0,
                            handles.getByteArray(0, (n + 1) * NativeLayout.POINTER),
                            0,
                            (n + 1) * NativeLayout.POINTER);
                }
                int r = calls.WaitForMultipleObjects(n + 1, waitingOn, false, Win32.INFINITE);
                if (stopping) {
                    return;
                }
                if (r == Win32.WAIT_OBJECT_0 + n) {
                    control.reset(); // told to look again
                    continue;
                }
                if (r < Win32.WAIT_OBJECT_0 || r > Win32.WAIT_OBJECT_0 + n) {
                    return; // the handles went away: the pipe is closing
                }
                reported = true;
                ready.set();
                while (reported && !stopping) {
                    calls.WaitForSingleObjectEx(control.handle(), Win32.INFINITE, false);
                    control.reset();
                }
            }
        }

        void stop() {
            stopping = true;
            control.set();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            control.close();
        }
    }
}
