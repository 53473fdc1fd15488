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

    /**
     * As {@link #prepare}, with the event handle's low bit set: the operation signals the event
     * but posts no packet to the I/O completion port its handle is bound to (documented under
     * GetQueuedCompletionStatus).
     */
    Pointer prepareWithoutPacket(HANDLE event) {
        memory.clear();
        memory.setLong(NativeLayout.OVERLAPPED_EVENT, Pointer.nativeValue(event.getPointer()) | 1L);
        return memory;
    }

    /** The structure, for the call that starts the operation. */
    Pointer pointer() {
        return memory;
    }

    /** True if {@code p} points to this structure. */
    boolean is(Pointer p) {
        return p != null && Pointer.nativeValue(p) == Pointer.nativeValue(memory);
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
