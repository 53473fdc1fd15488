package dev.pipelab.os.windows;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import dev.pipelab.spi.os.CompletionInstance;
import dev.pipelab.spi.os.CompletionPipe;
import dev.pipelab.spi.os.PipeEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The completion-routine style on Windows, as the SDK sample does it: ReadFileEx and WriteFileEx
 * name a routine that the kernel queues to the starting thread as an APC, run only while that
 * thread waits alertably (WaitForSingleObjectEx with bAlertable=TRUE); other threads reach it with
 * QueueUserAPC.
 *
 * <p>Two queues of Java work complete the picture. Operations that finish at once without a call
 * (a message already read ahead, a failure found before any call) queue their routine here, as
 * the kernel would queue it, and the next wait runs it before it waits. {@link #queueUserApc}
 * puts the Runnable in a queue and, when that queue was empty, queues one native APC that drains
 * it, so that a burst of pushes costs one APC, not one per push. A routine that throws does not
 * unwind through the kernel's frames: what it threw is kept and rethrown by the wait.
 */
final class WindowsCompletionPipe extends AsyncPipeBase implements CompletionPipe {

    private final Queue<Runnable> finishedAtOnce = new ArrayDeque<>(); // owner thread only
    private final Queue<Runnable> apcs = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean apcQueued = new AtomicBoolean();
    private final Map<WindowsAsyncInstance, Boolean> outstanding = new IdentityHashMap<>(); // owner thread only
    private final List<WindowsEvent> events = new ArrayList<>();
    private final Kernel32Calls.ApcRoutine drainApcs = parameter -> runApcs();
    private volatile HANDLE ownerThread; // OpenThread of the owner, for QueueUserAPC
    private RuntimeException routineFailure;

    WindowsCompletionPipe(Kernel32Calls calls, WindowsAccounts accounts, WindowsPipeName name, Flusher flusher) {
        super(calls, accounts, name, flusher);
    }

    @Override
    public PipeEvent createEvent(boolean initiallySet) {
        checkOwner();
        try {
            WindowsEvent e = WindowsEvent.create(calls, initiallySet);
            synchronized (events) {
                events.add(e);
            }
            return e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public CompletionInstance createInstance() throws IOException {
        return newInstance(false);
    }

    @Override
    public WaitResult waitAlertable(PipeEvent event, Duration timeout) throws IOException {
        checkOwner();
        bindOwnerThread();
        if (runFinishedAtOnce() | runApcs()) {
            calls.SleepEx(0, true); // and what the kernel has queued for this thread: all of it runs in one wait
            rethrowRoutineFailure();
            return WaitResult.IO_COMPLETION;
        }
        int r = calls.WaitForSingleObjectEx(((WindowsEvent) event).handle(), Timeouts.milliseconds(timeout), true);
        rethrowRoutineFailure();
        return switch (r) {
            case Win32.WAIT_OBJECT_0 -> WaitResult.SIGNALLED;
            case Win32.WAIT_IO_COMPLETION -> WaitResult.IO_COMPLETION;
            case Win32.WAIT_TIMEOUT -> runApcs() ? WaitResult.IO_COMPLETION : WaitResult.TIMEOUT;
            default -> throw Win32Errors.failure("WaitForSingleObjectEx", calls.lastError());
        };
    }

    private void bindOwnerThread() throws IOException {
        if (ownerThread == null) {
            HANDLE t = calls.OpenThread(Win32.THREAD_SET_CONTEXT, false, calls.GetCurrentThreadId());
            if (t == null) {
                throw Win32Errors.failure("OpenThread", calls.lastError());
            }
            ownerThread = t; // APCs queued before this run in this wait, from the Java queue
        }
    }

    private boolean runFinishedAtOnce() {
        boolean ran = false;
        Runnable r;
        while ((r = finishedAtOnce.poll()) != null) {
            runRoutine(r);
            ran = true;
        }
        return ran;
    }

    /** Runs every queued APC; true if any ran. On the owner thread, in its wait. */
    private boolean runApcs() {
        apcQueued.set(false); // an APC queued from now on queues a native APC again
        boolean ran = false;
        Runnable r;
        while ((r = apcs.poll()) != null) {
            runRoutine(r);
            ran = true;
        }
        return ran;
    }

    @Override
    public void queueRoutine(Runnable routine) {
        finishedAtOnce.add(routine);
    }

    @Override
    public void runRoutine(Runnable routine) {
        try {
            routine.run();
        } catch (RuntimeException e) {
            if (routineFailure == null) {
                routineFailure = e;
            } else {
                routineFailure.addSuppressed(e);
            }
        }
    }

    private void rethrowRoutineFailure() {
        RuntimeException e = routineFailure;
        if (e != null) {
            routineFailure = null;
            throw e;
        }
    }

    @Override
    public void queueUserApc(Runnable apc) {
        apcs.add(apc);
        HANDLE t = ownerThread;
        if (t != null && apcQueued.compareAndSet(false, true)) {
            calls.QueueUserAPC(drainApcs, t, Pointer.NULL);
        }
    }

    @Override
    public void holdWhileOutstanding(WindowsAsyncInstance instance) {
        outstanding.put(instance, Boolean.TRUE);
    }

    @Override
    public void releaseOutstanding(WindowsAsyncInstance instance) {
        outstanding.remove(instance);
    }

    @Override
    protected void closeStyle() {
        synchronized (events) {
            events.forEach(WindowsEvent::close);
            events.clear();
        }
        HANDLE t = ownerThread;
        if (t != null) {
            if (owner() == Thread.currentThread()) {
                // APCs stay queued to a thread after their pipe is gone: run this pipe's now, so
                // that none surfaces in a later alertable wait of the same thread
                calls.SleepEx(0, true);
            }
            calls.CloseHandle(t);
        }
    }
}
