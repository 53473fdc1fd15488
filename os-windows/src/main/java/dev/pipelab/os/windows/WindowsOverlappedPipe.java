package dev.pipelab.os.windows;

import com.sun.jna.Memory;
import dev.pipelab.spi.os.OverlappedInstance;
import dev.pipelab.spi.os.OverlappedPipe;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The overlapped style on Windows, as the SDK sample does it: one manual-reset event per
 * instance and WaitForMultipleObjects over all of them, plus the wake event.
 *
 * <p><b>Beyond 63 instances.</b> One WaitForMultipleObjects takes at most MAXIMUM_WAIT_OBJECTS
 * (64) handles. Up to 63 instances the loop waits on their events and the wake event in one
 * call, with the events in turn from {@code first}, so that a busy instance cannot starve the
 * others. Beyond that, it waits on the first 62 events, the wake event and a "group ready"
 * event, and {@link WaitGroups} waits on the others, 63 to a thread: see there.
 */
final class WindowsOverlappedPipe extends AsyncPipeBase implements OverlappedPipe {

    /** Instance events the loop's own wait takes while it also waits on the group-ready event. */
    static final int LOOP_GROUP = Win32.MAXIMUM_WAIT_OBJECTS - 2;

    private final WindowsEvent wake;
    private final Memory handles = new Memory((long) Win32.MAXIMUM_WAIT_OBJECTS * NativeLayout.POINTER);
    private final WaitGroups groups;

    WindowsOverlappedPipe(Kernel32Calls calls, WindowsAccounts accounts, WindowsPipeName name, Flusher flusher)
            throws IOException {
        super(calls, accounts, name, flusher);
        this.wake = WindowsEvent.create(calls, false);
        this.groups = new WaitGroups(calls);
    }

    @Override
    public OverlappedInstance createInstance() throws IOException {
        return newInstance(true);
    }

    @Override
    public int waitForAny(List<? extends OverlappedInstance> instances, int first, Duration timeout)
            throws IOException {
        checkOwner();
        int n = instances.size();
        if (n < Win32.MAXIMUM_WAIT_OBJECTS) {
            return waitInOneCall(instances, first, timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        groups.watch(instances, LOOP_GROUP);
        while (true) {
            int ready = groups.takeSignalled();
            if (ready >= 0) {
                return ready;
            }
            for (int i = 0; i < LOOP_GROUP; i++) {
                handles.setPointer(
                        (long) i * NativeLayout.POINTER, eventOf(instances, i).getPointer());
            }
            handles.setPointer(
                    (long) LOOP_GROUP * NativeLayout.POINTER, wake.handle().getPointer());
            handles.setPointer(
                    (long) (LOOP_GROUP + 1) * NativeLayout.POINTER,
                    groups.readyEvent().getPointer());
            int r = calls.WaitForMultipleObjects(LOOP_GROUP + 2, handles, false, Timeouts.untilDeadline(deadline));
            if (r >= Win32.WAIT_OBJECT_0 && r < Win32.WAIT_OBJECT_0 + LOOP_GROUP) {
                return r - Win32.WAIT_OBJECT_0;
            }
            if (r == Win32.WAIT_OBJECT_0 + LOOP_GROUP) {
                wake.reset();
                return n;
            }
            if (r == Win32.WAIT_TIMEOUT) {
                return WAIT_TIMEOUT;
            }
            if (r != Win32.WAIT_OBJECT_0 + LOOP_GROUP + 1) {
                throw Win32Errors.failure("WaitForMultipleObjects", calls.lastError());
            }
            // a group reported a signalled event: takeSignalled finds it
        }
    }

    private int waitInOneCall(List<? extends OverlappedInstance> instances, int first, Duration timeout)
            throws IOException {
        int n = instances.size();
        int start = n == 0 ? 0 : Math.floorMod(first, n);
        for (int k = 0; k < n; k++) {
            handles.setPointer(
                    (long) k * NativeLayout.POINTER,
                    eventOf(instances, (start + k) % n).getPointer());
        }
        handles.setPointer((long) n * NativeLayout.POINTER, wake.handle().getPointer());
        int r = calls.WaitForMultipleObjects(n + 1, handles, false, Timeouts.milliseconds(timeout));
        if (r == Win32.WAIT_TIMEOUT) {
            return WAIT_TIMEOUT;
        }
        int k = r - Win32.WAIT_OBJECT_0;
        if (k < 0 || k > n) {
            throw Win32Errors.failure("WaitForMultipleObjects", calls.lastError());
        }
        if (k == n) {
            wake.reset();
            return n;
        }
        return (start + k) % n;
    }

    /** The event of the instance at {@code index}, which must be the one created {@code index}th. */
    static com.sun.jna.platform.win32.WinNT.HANDLE eventOf(List<? extends OverlappedInstance> instances, int index) {
        WindowsAsyncInstance instance = (WindowsAsyncInstance) instances.get(index);
        if (instance.ordinal() != index) {
            throw new IllegalArgumentException(
                    "instances must be listed in the order they were created (as createInstance returned them): "
                            + instance + " is at index " + index);
        }
        return instance.eventHandle();
    }

    @Override
    public void wake() {
        wake.set();
    }

    @Override
    protected void closeStyle() {
        groups.close();
        wake.close();
    }
}
