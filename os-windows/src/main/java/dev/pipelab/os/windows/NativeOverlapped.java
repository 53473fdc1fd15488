package dev.pipelab.os.windows;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinNT.HANDLE;

/**
 * An OVERLAPPED structure in native memory that its owner keeps for as long as an operation on
 * it may be pending: the kernel writes its status and byte count there when the operation
 * finishes, and signals the event it names.
 */
final class NativeOverlapped {

    private final Memory memory = new Memory(NativeLayout.OVERLAPPED_SIZE);

    NativeOverlapped() {
        memory.clear();
    }

    /** Clears the structure for a new operation that signals {@code event} (or none: null). */
    Pointer prepare(HANDLE event) {
        memory.clear();
        memory.setPointer(NativeLayout.OVERLAPPED_EVENT, event == null ? null : event.getPointer());
        return memory;
    }

    /** The structure, for the call that starts the operation. */
    Pointer pointer() {
        return memory;
    }

    /** HasOverlappedIoCompleted: the status is no longer STATUS_PENDING. */
    boolean hasCompleted() {
        return memory.getLong(NativeLayout.OVERLAPPED_INTERNAL) != Win32.STATUS_PENDING;
    }

    /** The address, as the completion port reports it. */
    long address() {
        return Pointer.nativeValue(memory);
    }
}
