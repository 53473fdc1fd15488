package dev.pipelab.os.windows;

/**
 * The Win32 constants the seam uses, with the values of the Windows SDK headers (checked against
 * mingw-w64's headers by a test). Names as in the headers, so that each reads as in the docs.
 */
final class Win32 {

    private Win32() {}

    // CreateNamedPipe: open mode
    static final int PIPE_ACCESS_DUPLEX = 0x0000_0003;
    static final int FILE_FLAG_FIRST_PIPE_INSTANCE = 0x0008_0000;
    static final int FILE_FLAG_OVERLAPPED = 0x4000_0000;

    // CreateNamedPipe: pipe mode
    static final int PIPE_TYPE_BYTE = 0x0000_0000;
    static final int PIPE_READMODE_BYTE = 0x0000_0000;
    static final int PIPE_WAIT = 0x0000_0000;
    static final int PIPE_REJECT_REMOTE_CLIENTS = 0x0000_0008;
    static final int PIPE_UNLIMITED_INSTANCES = 255;

    // CreateFile
    static final int GENERIC_READ = 0x8000_0000;
    static final int GENERIC_WRITE = 0x4000_0000;
    static final int FILE_WRITE_DATA = 0x0000_0002;
    static final int FILE_APPEND_DATA = 0x0000_0004;
    static final int FILE_CREATE_PIPE_INSTANCE = 0x0000_0004;
    static final int FILE_GENERIC_READ = 0x0012_0089;
    static final int FILE_GENERIC_WRITE = 0x0012_0116;
    static final int FILE_WRITE_ATTRIBUTES = 0x0000_0100;
    static final int OPEN_EXISTING = 3;
    static final int SECURITY_SQOS_PRESENT = 0x0010_0000;
    static final int SECURITY_IDENTIFICATION = 0x0001_0000;

    // waits
    static final int INFINITE = 0xFFFF_FFFF;
    static final int WAIT_OBJECT_0 = 0x0000_0000;
    static final int WAIT_ABANDONED_0 = 0x0000_0080;
    static final int WAIT_IO_COMPLETION = 0x0000_00C0;
    static final int WAIT_TIMEOUT = 0x0000_0102;
    static final int WAIT_FAILED = 0xFFFF_FFFF;
    static final int MAXIMUM_WAIT_OBJECTS = 64;

    // OpenThread
    static final int THREAD_SET_CONTEXT = 0x0000_0010;

    // accounts, tokens, security descriptors (JnaAccounts)
    static final int PROCESS_QUERY_LIMITED_INFORMATION = 0x0000_1000;
    static final int TOKEN_QUERY = 0x0000_0008;
    static final int SE_GROUP_ENABLED = 0x0000_0004;
    static final int SE_GROUP_USE_FOR_DENY_ONLY = 0x0000_0010;
    static final int SE_GROUP_INTEGRITY = 0x0000_0020;
    static final int SE_GROUP_LOGON_ID = 0xC000_0000;
    static final int SDDL_REVISION_1 = 1;
    static final int DACL_SECURITY_INFORMATION = 0x0000_0004;

    // error codes
    static final int ERROR_SUCCESS = 0;
    static final int ERROR_FILE_NOT_FOUND = 2;
    static final int ERROR_ACCESS_DENIED = 5;
    static final int ERROR_INVALID_HANDLE = 6;
    static final int ERROR_NOT_ENOUGH_MEMORY = 8;
    static final int ERROR_INVALID_PARAMETER = 87;
    static final int ERROR_BROKEN_PIPE = 109;
    static final int ERROR_SEM_TIMEOUT = 121;
    static final int ERROR_INSUFFICIENT_BUFFER = 122;
    static final int ERROR_BAD_PIPE = 230;
    static final int ERROR_PIPE_BUSY = 231;
    static final int ERROR_NO_DATA = 232;
    static final int ERROR_PIPE_NOT_CONNECTED = 233;
    static final int ERROR_MORE_DATA = 234;
    static final int ERROR_PIPE_CONNECTED = 535;
    static final int ERROR_PIPE_LISTENING = 536;
    static final int ERROR_OPERATION_ABORTED = 995;
    static final int ERROR_IO_INCOMPLETE = 996;
    static final int ERROR_IO_PENDING = 997;
    static final int ERROR_NOT_FOUND = 1168;
    static final int ERROR_NONE_MAPPED = 1332;

    // NTSTATUS values an OVERLAPPED's Internal holds
    static final int STATUS_PENDING = 0x0000_0103;
}
