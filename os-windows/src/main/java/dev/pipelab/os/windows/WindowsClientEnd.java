package dev.pipelab.os.windows;

import com.sun.jna.Memory;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import dev.pipelab.api.PipeAddress;
import dev.pipelab.spi.os.ClientEnd;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The client's end on Windows, as the SDK's client opens it: CreateFile, and while every instance
 * is busy (ERROR_PIPE_BUSY) WaitNamedPipe, within the connect timeout. The handle is overlapped
 * and bound to the seam's {@link CompletionPort}: a read or write parks its thread (a virtual
 * thread unmounts) until its packet comes or its deadline passes, when it is cancelled.
 *
 * <p>It asks for GENERIC_READ | FILE_WRITE_DATA rather than GENERIC_WRITE: PipeLab's pipes grant
 * other users no FILE_APPEND_DATA, which is FILE_CREATE_PIPE_INSTANCE (see {@link PipeSecurity}).
 */
final class WindowsClientEnd implements ClientEnd {

    private static final int ACCESS = Win32.GENERIC_READ | Win32.FILE_WRITE_DATA | Win32.FILE_WRITE_ATTRIBUTES;
    // The server learns who the client is, and may not act as it (SecurityIdentification).
    private static final int FLAGS =
            Win32.FILE_FLAG_OVERLAPPED | Win32.SECURITY_SQOS_PRESENT | Win32.SECURITY_IDENTIFICATION;

    private static final int BUFFER_BYTES = 64 * 1024;

    /** A virtual thread's first pause between tries of a busy pipe, in milliseconds, and its longest. */
    private static final int FIRST_RETRY_MILLIS = 1;

    private static final int LONGEST_RETRY_MILLIS = 16;

    private final Kernel32Calls calls;
    private final CompletionPort port;
    private final HANDLE handle;
    private final NativeOverlapped readOverlapped = new NativeOverlapped();
    private final NativeOverlapped writeOverlapped = new NativeOverlapped();
    private final Memory readBuffer = new Memory(BUFFER_BYTES);
    private final Memory writeBuffer = new Memory(BUFFER_BYTES);
    private final IntByReference readBytes = new IntByReference();
    private final IntByReference writtenBytes = new IntByReference();
    private volatile boolean open = true;

    private WindowsClientEnd(Kernel32Calls calls, CompletionPort port, HANDLE handle) throws IOException {
        this.calls = calls;
        this.port = port;
        this.handle = handle;
        try {
            port.bind(handle);
        } catch (IOException e) {
            calls.CloseHandle(handle);
            throw e;
        }
    }

    /** Connects to {@code address}: the connected end, or null while every instance is busy. */
    static WindowsClientEnd tryConnect(Kernel32Calls calls, CompletionPort port, PipeAddress address)
            throws IOException {
        HANDLE h = calls.CreateFile(address.value(), ACCESS, 0, null, Win32.OPEN_EXISTING, FLAGS, null);
        if (h != null && !WinBase.INVALID_HANDLE_VALUE.equals(h)) {
            return new WindowsClientEnd(calls, port, h);
        }
        int error = calls.lastError();
        return switch (error) {
            case Win32.ERROR_PIPE_BUSY -> null;
            case Win32.ERROR_FILE_NOT_FOUND -> throw new ConnectException("no server at " + address.value());
            case Win32.ERROR_ACCESS_DENIED ->
                throw new ConnectException(
                        "this user may not connect to " + address.value() + " (ERROR_ACCESS_DENIED)");
            default -> throw Win32Errors.failure("CreateFile " + address.value(), error);
        };
    }

    /**
     * CreateFile, and while every instance is busy, WaitNamedPipe, for up to {@code timeout}.
     * WaitNamedPipe blocks in native code, which on a virtual thread would hold its carrier; a
     * virtual thread instead sleeps between tries of CreateFile (a sleep unmounts it), from
     * 1 ms doubling up to 16 ms.
     */
    static WindowsClientEnd connect(Kernel32Calls calls, CompletionPort port, PipeAddress address, Duration timeout)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int retryMillis = FIRST_RETRY_MILLIS;
        while (true) {
            WindowsClientEnd end = tryConnect(calls, port, address);
            if (end != null) {
                return end;
            }
            int left = Timeouts.untilDeadline(deadline);
            if (left == 0) {
                throw new SocketTimeoutException("server at " + address.value() + " stayed busy for " + timeout);
            }
            if (Thread.currentThread().isVirtual()) {
                sleep(Math.min(retryMillis, left));
                retryMillis = Math.min(2 * retryMillis, LONGEST_RETRY_MILLIS);
                continue;
            }
            // WaitNamedPipe says an instance listens; another client may still take it first
            if (!calls.WaitNamedPipe(address.value(), left)) {
                int error = calls.lastError();
                if (error == Win32.ERROR_FILE_NOT_FOUND) {
                    throw new ConnectException("no server at " + address.value());
                }
                if (error != Win32.ERROR_SEM_TIMEOUT) {
                    throw Win32Errors.failure("WaitNamedPipe " + address.value(), error);
                }
            }
        }
    }

    private static void sleep(int millis) throws InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the server was busy");
        }
    }

    @Override
    public int read(ByteBuffer into, long deadlineNanos) throws IOException {
        int wanted = Math.min(into.remaining(), BUFFER_BYTES);
        Integer n = transfer(
                readOverlapped,
                readBytes,
                deadlineNanos,
                port.start(
                        readOverlapped,
                        () -> calls.ReadFile(handle, readBuffer, wanted, null, readOverlapped.prepare(null))));
        if (n == null) {
            return -1; // the server closed its end, or disconnected this client
        }
        into.put(readBuffer.getByteArray(0, n));
        return n;
    }

    @Override
    public boolean write(ByteBuffer[] from, long deadlineNanos) throws IOException {
        for (ByteBuffer b : from) {
            while (b.hasRemaining()) {
                int n = Math.min(b.remaining(), BUFFER_BYTES);
                byte[] chunk = new byte[n];
                b.duplicate().get(chunk);
                writeBuffer.write(0, chunk, 0, n);
                Integer written = transfer(
                        writeOverlapped,
                        writtenBytes,
                        deadlineNanos,
                        port.start(
                                writeOverlapped,
                                () -> calls.WriteFile(handle, writeBuffer, n, null, writeOverlapped.prepare(null))));
                if (written == null) {
                    throw new java.io.EOFException("the server closed its end");
                }
                b.position(b.position() + written);
                if (written < n) {
                    return false; // the deadline passed: cancelled part way
                }
            }
        }
        return true;
    }

    /**
     * Waits until the deadline for the operation {@code started}: its byte count (0 if the
     * deadline passed first and it was cancelled), or null if the server is gone.
     */
    private Integer transfer(
            NativeOverlapped overlapped, IntByReference bytes, long deadlineNanos, CompletionPort.Started started)
            throws IOException {
        if (!started.isPending()) {
            if (Win32Errors.isPeerGone(started.error())) {
                return null;
            }
            throw Win32Errors.failure("ReadFile/WriteFile", started.error());
        }
        if (!port.await(started.awaited(), deadlineNanos)) {
            calls.CancelIoEx(handle, overlapped.pointer());
            port.await(started.awaited()); // prompt once cancelled
        }
        if (calls.GetOverlappedResult(handle, overlapped.pointer(), bytes, false)) {
            return bytes.getValue();
        }
        int error = calls.lastError();
        if (error == Win32.ERROR_OPERATION_ABORTED) {
            return 0;
        }
        if (Win32Errors.isPeerGone(error)) {
            return null;
        }
        throw Win32Errors.failure("ReadFile/WriteFile", error);
    }

    /**
     * A named pipe has no half-close: the server reads the end of the stream only when the client
     * closes its handle. What the caller meant (no more requests) is said by closing.
     */
    @Override
    public void shutdownOutput() {
        throw new UnsupportedOperationException(
                "a Windows named pipe has no half-close: close the client to end the stream");
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (!open) {
                return;
            }
            open = false;
        }
        calls.CancelIoEx(handle, null);
        calls.CloseHandle(handle);
        port.unbind();
    }
}
