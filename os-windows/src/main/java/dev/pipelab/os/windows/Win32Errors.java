package dev.pipelab.os.windows;

import dev.pipelab.spi.os.OperationAbortedException;
import java.io.EOFException;
import java.io.IOException;

/** What a Win32 error code means to the seam's callers: the exception types its contract names. */
final class Win32Errors {

    private Win32Errors() {}

    /** True for the codes that mean the other end has gone: broken pipe, no data, not connected. */
    static boolean isPeerGone(int error) {
        return error == Win32.ERROR_BROKEN_PIPE
                || error == Win32.ERROR_NO_DATA
                || error == Win32.ERROR_PIPE_NOT_CONNECTED;
    }

    /**
     * The failure of an operation on a connected instance: the client gone is an
     * {@link EOFException}, a cancelled operation an {@link OperationAbortedException}, anything
     * else an {@link IOException} naming the call and the code.
     */
    static IOException ofOperation(String call, int error) {
        if (isPeerGone(error)) {
            return new EOFException("the client closed its end (" + name(error) + ")");
        }
        if (error == Win32.ERROR_OPERATION_ABORTED) {
            return new OperationAbortedException();
        }
        return failure(call, error);
    }

    /** {@code call} failed with {@code error}. */
    static IOException failure(String call, int error) {
        return new IOException(call + " failed: " + name(error) + " (" + error + ")");
    }

    /** The header name of an error code the seam meets, or {@code "error N"}. */
    static String name(int error) {
        return switch (error) {
            case Win32.ERROR_SUCCESS -> "ERROR_SUCCESS";
            case Win32.ERROR_FILE_NOT_FOUND -> "ERROR_FILE_NOT_FOUND";
            case Win32.ERROR_ACCESS_DENIED -> "ERROR_ACCESS_DENIED";
            case Win32.ERROR_INVALID_HANDLE -> "ERROR_INVALID_HANDLE";
            case Win32.ERROR_NOT_ENOUGH_MEMORY -> "ERROR_NOT_ENOUGH_MEMORY";
            case Win32.ERROR_INVALID_PARAMETER -> "ERROR_INVALID_PARAMETER";
            case Win32.ERROR_BROKEN_PIPE -> "ERROR_BROKEN_PIPE";
            case Win32.ERROR_SEM_TIMEOUT -> "ERROR_SEM_TIMEOUT";
            case Win32.ERROR_BAD_PIPE -> "ERROR_BAD_PIPE";
            case Win32.ERROR_PIPE_BUSY -> "ERROR_PIPE_BUSY";
            case Win32.ERROR_NO_DATA -> "ERROR_NO_DATA";
            case Win32.ERROR_PIPE_NOT_CONNECTED -> "ERROR_PIPE_NOT_CONNECTED";
            case Win32.ERROR_MORE_DATA -> "ERROR_MORE_DATA";
            case Win32.ERROR_PIPE_CONNECTED -> "ERROR_PIPE_CONNECTED";
            case Win32.ERROR_PIPE_LISTENING -> "ERROR_PIPE_LISTENING";
            case Win32.ERROR_OPERATION_ABORTED -> "ERROR_OPERATION_ABORTED";
            case Win32.ERROR_IO_INCOMPLETE -> "ERROR_IO_INCOMPLETE";
            case Win32.ERROR_IO_PENDING -> "ERROR_IO_PENDING";
            case Win32.ERROR_NOT_FOUND -> "ERROR_NOT_FOUND";
            default -> "error " + error;
        };
    }
}
