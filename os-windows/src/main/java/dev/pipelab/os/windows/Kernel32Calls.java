package dev.pipelab.os.windows;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.win32.StdCallLibrary;
import com.sun.jna.win32.W32APIOptions;

/**
 * Every kernel32 call the Windows seam makes, declared the way overlapped I/O needs them: buffers
 * and OVERLAPPED structures are {@link Pointer}s into native memory the seam owns (never a
 * {@code byte[]} or a by-value structure, which JNA copies for the duration of the call only,
 * while an overlapped operation writes into them later), and completion routines are callbacks
 * the seam keeps reachable until they have run.
 *
 * <p>jna-platform's {@code Kernel32} lacks half of these (GetOverlappedResult, CancelIoEx,
 * ReadFileEx, WriteFileEx, SleepEx, WaitForSingleObjectEx, QueueUserAPC,
 * GetQueuedCompletionStatusEx) and declares the others with {@code byte[]} buffers or
 * {@code OVERLAPPED} structures, so the seam declares all it uses in this one interface. On
 * Windows, JNA implements it ({@link #load()}); on Linux, tests implement it with a stand-in
 * whose answers are checked against Wine's real named pipes, so the seam's logic runs in
 * {@code mvn verify} everywhere.
 *
 * <p>Handles are JNA's {@link HANDLE}; Win32 BOOL is Java {@code boolean}, DWORD is {@code int}.
 * After a call that failed, {@link #lastError()} is its GetLastError.
 */
public interface Kernel32Calls extends StdCallLibrary {

    /** LPOVERLAPPED_COMPLETION_ROUTINE: what ReadFileEx and WriteFileEx run in the alertable wait. */
    interface CompletionRoutine extends StdCallCallback {
        void callback(int errorCode, int bytesTransferred, Pointer overlapped);
    }

    /** PAPCFUNC: what QueueUserAPC runs in the alertable wait. */
    interface ApcRoutine extends StdCallCallback {
        void callback(Pointer parameter);
    }

    /** kernel32 through JNA, with the Unicode (W) entry points. Windows only. */
    static Kernel32Calls load() {
        return Native.load("kernel32", Kernel32Calls.class, W32APIOptions.DEFAULT_OPTIONS);
    }

    /** GetLastError of the last call on this thread, as JNA preserved it. */
    default int lastError() {
        return Native.getLastError();
    }

    // ---- pipes

    HANDLE CreateNamedPipe(
            String name,
            int openMode,
            int pipeMode,
            int maxInstances,
            int outBufferSize,
            int inBufferSize,
            int defaultTimeOut,
            Pointer securityAttributes);

    boolean ConnectNamedPipe(HANDLE pipe, Pointer overlapped);

    boolean DisconnectNamedPipe(HANDLE pipe);

    boolean GetNamedPipeClientProcessId(HANDLE pipe, IntByReference clientProcessId);

    HANDLE CreateFile(
            String name,
            int desiredAccess,
            int shareMode,
            Pointer securityAttributes,
            int creationDisposition,
            int flagsAndAttributes,
            HANDLE templateFile);

    boolean WaitNamedPipe(String name, int timeOut);

    boolean CloseHandle(HANDLE handle);

    // ---- reads and writes

    boolean ReadFile(HANDLE file, Pointer buffer, int bytesToRead, Pointer bytesRead, Pointer overlapped);

    boolean WriteFile(HANDLE file, Pointer buffer, int bytesToWrite, Pointer bytesWritten, Pointer overlapped);

    boolean ReadFileEx(HANDLE file, Pointer buffer, int bytesToRead, Pointer overlapped, CompletionRoutine routine);

    boolean WriteFileEx(HANDLE file, Pointer buffer, int bytesToWrite, Pointer overlapped, CompletionRoutine routine);

    boolean GetOverlappedResult(HANDLE file, Pointer overlapped, IntByReference bytesTransferred, boolean wait);

    boolean CancelIoEx(HANDLE file, Pointer overlapped);

    boolean FlushFileBuffers(HANDLE file);

    // ---- events and waits

    HANDLE CreateEvent(Pointer securityAttributes, boolean manualReset, boolean initialState, String name);

    boolean SetEvent(HANDLE event);

    boolean ResetEvent(HANDLE event);

    /** {@code handles} points to {@code count} HANDLE values in native memory. */
    int WaitForMultipleObjects(int count, Pointer handles, boolean waitAll, int milliseconds);

    int WaitForSingleObjectEx(HANDLE handle, int milliseconds, boolean alertable);

    int SleepEx(int milliseconds, boolean alertable);

    // ---- threads and APCs

    int GetCurrentThreadId();

    HANDLE OpenThread(int desiredAccess, boolean inheritHandle, int threadId);

    boolean QueueUserAPC(ApcRoutine routine, HANDLE thread, Pointer parameter);

    // ---- I/O completion ports

    HANDLE CreateIoCompletionPort(HANDLE file, HANDLE existingPort, Pointer completionKey, int concurrentThreads);

    /** {@code entries} points to {@code count} OVERLAPPED_ENTRY structures in native memory. */
    boolean GetQueuedCompletionStatusEx(
            HANDLE port, Pointer entries, int count, IntByReference removed, int milliseconds, boolean alertable);

    boolean PostQueuedCompletionStatus(HANDLE port, int bytesTransferred, Pointer completionKey, Pointer overlapped);
}
