package dev.pipelab.os.windows;

import com.sun.jna.platform.win32.WinNT.HANDLE;
import dev.pipelab.spi.os.PipeEvent;
import java.io.IOException;

/** A manual-reset event from CreateEvent: the seam's {@link PipeEvent} on Windows. */
final class WindowsEvent implements PipeEvent {

    private final Kernel32Calls calls;
    private final HANDLE handle;
    private boolean closed;

    private WindowsEvent(Kernel32Calls calls, HANDLE handle) {
        this.calls = calls;
        this.handle = handle;
    }

    /** CreateEvent(bManualReset=TRUE). */
    static WindowsEvent create(Kernel32Calls calls, boolean initiallySet) throws IOException {
        HANDLE h = calls.CreateEvent(null, true, initiallySet, null);
        if (h == null) {
            throw Win32Errors.failure("CreateEvent", calls.lastError());
        }
        return new WindowsEvent(calls, h);
    }

    HANDLE handle() {
        return handle;
    }

    @Override
    public void set() {
        calls.SetEvent(handle);
    }

    @Override
    public void reset() {
        calls.ResetEvent(handle);
    }

    @Override
    public boolean isSet() {
        return calls.WaitForSingleObjectEx(handle, 0, false) == Win32.WAIT_OBJECT_0;
    }

    /** CloseHandle; idempotent. */
    synchronized void close() {
        if (!closed) {
            closed = true;
            calls.CloseHandle(handle);
        }
    }
}
