package dev.pipelab.os.windows;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blocking style's waits, done the way the JDK does its own socket I/O on Windows: every
 * pipe handle of the style is bound to one I/O completion port, an operation is started
 * overlapped, and the calling thread parks until one platform thread, waiting in
 * GetQueuedCompletionStatusEx, sees the operation's packet and unparks it. A virtual thread so
 * parks like any other and never holds its carrier in a native call (a blocking ReadFile
 * through JNA would pin it, and the JDK adds no carrier for that); a platform thread parks too.
 *
 * <p>Every operation that starts (its call returned TRUE, or FALSE with ERROR_IO_PENDING)
 * posts exactly one packet, also when it finished at once; so a caller always waits for it, and
 * an OVERLAPPED is never reused while a packet for it may still come. A call that fails at once
 * posts none. The thread runs while handles are bound or operations awaited, and ends after the
 * last, so none is left behind.
 */
final class CompletionPort {

    private static final Logger log = LoggerFactory.getLogger(CompletionPort.class);

    /** The completion key of the packet that tells the thread to end. */
    private static final long EXIT_KEY = -1;

    private static final int ENTRIES = 64;

    private final Kernel32Calls calls;
    private final ConcurrentHashMap<Long, Awaited> awaited = new ConcurrentHashMap<>();
    /** Guards the port and its users: a ReentrantLock, which parks a virtual thread without pinning. */
    private final ReentrantLock lock = new ReentrantLock();

    private HANDLE port; // guarded by lock
    private int users; // bound handles and awaited operations; guarded by lock

    CompletionPort(Kernel32Calls calls) {
        this.calls = calls;
    }

    /** One started operation, and the thread that waits for it. */
    static final class Awaited {
        private final Thread waiter = Thread.currentThread();
        private volatile boolean done;
    }

    /** Binds {@code file} to the port (CreateIoCompletionPort); {@link #unbind()} once it is closed. */
    void bind(HANDLE file) throws IOException {
        lock.lock();
        try {
            acquire();
            HANDLE bound = calls.CreateIoCompletionPort(file, port, null, 0);
            if (bound == null) {
                int error = calls.lastError();
                release();
                throw Win32Errors.failure("CreateIoCompletionPort", error);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A handle bound with {@link #bind} has been closed. */
    void unbind() {
        locked(this::release);
    }

    /** An operation's call, made: its wait, and the error the call gave (ERROR_SUCCESS for TRUE). */
    record Started(Awaited awaited, int error) {
        /** It started, so its packet will come (also when it finished at once). */
        boolean isPending() {
            return error == Win32.ERROR_SUCCESS || error == Win32.ERROR_IO_PENDING;
        }
    }

    /**
     * Makes {@code call}, which starts an operation overlapped on {@code overlapped}, so that its
     * packet wakes the calling thread ({@link #await}); one that fails at once posts no packet,
     * and nothing waits for it.
     */
    Started start(NativeOverlapped overlapped, BooleanSupplier call) {
        Awaited a = expect(overlapped);
        Started started = new Started(a, call.getAsBoolean() ? Win32.ERROR_SUCCESS : calls.lastError());
        if (!started.isPending()) {
            forget(overlapped);
        }
        return started;
    }

    private Awaited expect(NativeOverlapped overlapped) {
        locked(this::acquire0);
        Awaited a = new Awaited();
        awaited.put(overlapped.address(), a);
        return a;
    }

    private void forget(NativeOverlapped overlapped) {
        if (awaited.remove(overlapped.address()) != null) {
            locked(this::release);
        }
    }

    /** Parks until the packet of {@code a}'s operation has come; interrupts do not end the wait. */
    void await(Awaited a) {
        while (!a.done) {
            LockSupport.park(this);
        }
    }

    /**
     * Parks until the packet of {@code a}'s operation has come or {@code deadlineNanos} (on the
     * {@link System#nanoTime()} clock) has passed.
     *
     * @return true if it came; false at the deadline, when the caller cancels the operation
     *     (CancelIoEx) and then waits for its packet with {@link #await(Awaited)}
     */
    boolean await(Awaited a, long deadlineNanos) {
        while (!a.done) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            LockSupport.parkNanos(this, left);
        }
        return true;
    }

    private void acquire() throws IOException {
        if (port == null) {
            port = calls.CreateIoCompletionPort(WinBase.INVALID_HANDLE_VALUE, null, null, 1);
            if (port == null) {
                throw Win32Errors.failure("CreateIoCompletionPort", calls.lastError());
            }
            HANDLE own = port;
            Thread t = new Thread(() -> run(own), "pipelab-iocp");
            t.setDaemon(true);
            t.start();
        }
        users++;
    }

    private void acquire0() {
        if (port == null) {
            throw new IllegalStateException("no handle is bound to the completion port");
        }
        users++;
    }

    private void release() {
        if (--users == 0) {
            calls.PostQueuedCompletionStatus(port, 0, new Pointer(EXIT_KEY), null);
            port = null; // the thread closes it; the next bind makes a new one
        }
    }

    private void run(HANDLE own) {
        Memory entries = new Memory((long) ENTRIES * NativeLayout.OVERLAPPED_ENTRY_SIZE);
        IntByReference removed = new IntByReference();
        try {
            while (true) {
                if (!calls.GetQueuedCompletionStatusEx(own, entries, ENTRIES, removed, Win32.INFINITE, false)) {
                    log.warn("GetQueuedCompletionStatusEx failed: {}", Win32Errors.name(calls.lastError()));
                    return;
                }
                for (int i = 0; i < removed.getValue(); i++) {
                    long entry = (long) i * NativeLayout.OVERLAPPED_ENTRY_SIZE;
                    if (entries.getLong(entry + NativeLayout.OVERLAPPED_ENTRY_KEY) == EXIT_KEY) {
                        return;
                    }
                    finished(entries.getLong(entry + NativeLayout.OVERLAPPED_ENTRY_OVERLAPPED));
                }
            }
        } finally {
            calls.CloseHandle(own);
        }
    }

    private void finished(long overlapped) {
        Awaited a = awaited.remove(overlapped);
        if (a == null) {
            return; // not an operation of this style's: nothing waits for it
        }
        a.done = true;
        LockSupport.unpark(a.waiter);
        locked(this::release);
    }

    private void locked(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }
}
