package dev.pipelab.os.windows;

import com.sun.jna.Native;

/**
 * Sizes and field offsets of the structures the seam keeps in native memory itself, for 64-bit
 * Windows (x64 and ARM64 share them), as in minwinbase.h; a test checks them against mingw-w64's
 * headers.
 */
final class NativeLayout {

    private NativeLayout() {}

    /** The size of a pointer, a HANDLE, a ULONG_PTR. */
    static final int POINTER = Native.POINTER_SIZE;

    /** OVERLAPPED: Internal (status), InternalHigh (bytes), Offset, OffsetHigh, hEvent. */
    static final int OVERLAPPED_SIZE = 32;

    static final int OVERLAPPED_INTERNAL = 0;
    static final int OVERLAPPED_INTERNAL_HIGH = 8;
    static final int OVERLAPPED_OFFSET = 16;
    static final int OVERLAPPED_OFFSET_HIGH = 20;
    static final int OVERLAPPED_EVENT = 24;

    /** OVERLAPPED_ENTRY: lpCompletionKey, lpOverlapped, Internal, dwNumberOfBytesTransferred. */
    static final int OVERLAPPED_ENTRY_SIZE = 32;

    static final int OVERLAPPED_ENTRY_KEY = 0;
    static final int OVERLAPPED_ENTRY_OVERLAPPED = 8;
    static final int OVERLAPPED_ENTRY_INTERNAL = 16;
    static final int OVERLAPPED_ENTRY_BYTES = 24;

    /** SECURITY_ATTRIBUTES: nLength, lpSecurityDescriptor, bInheritHandle. */
    static final int SECURITY_ATTRIBUTES_SIZE = 24;

    static final int SECURITY_ATTRIBUTES_LENGTH = 0;
    static final int SECURITY_ATTRIBUTES_DESCRIPTOR = 8;
    static final int SECURITY_ATTRIBUTES_INHERIT = 16;
}
