package dev.pipelab.os.unix.blocking;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.os.unix.async.UnixErrno;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** The client's connect on Unix, whatever the transport: what a refusal says, and waiting while the server is busy. */
public final class UnixConnects {

    /** How long a client waits before it tries a busy server again, as WaitNamedPipe would wait. */
    private static final long BUSY_RETRY_NANOS = Duration.ofMillis(5).toNanos();

    /** One attempt to connect, without waiting, as one transport makes it. */
    @FunctionalInterface
    public interface Attempt<E> {
        /** A connected end, or null when every instance is busy and the backlog is full (EAGAIN). */
        E tryConnect(PipeAddress address) throws IOException;
    }

    private UnixConnects() {}

    /**
     * Connects with {@code attempt}, and while every instance is busy (ERROR_PIPE_BUSY) waits and
     * tries again, as WaitNamedPipe does, for up to {@code timeout}.
     *
     * @throws SocketTimeoutException if the server stayed busy for the whole timeout
     */
    public static <E> E connectWaiting(PipeAddress address, Duration timeout, Attempt<E> attempt) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            E end = attempt.tryConnect(address);
            if (end != null) {
                return end;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new SocketTimeoutException("server at " + address + " stayed busy for " + timeout);
            }
            LockSupport.parkNanos(BUSY_RETRY_NANOS);
        }
    }

    /**
     * What a connect that failed with {@code errno} tells the user: null for EAGAIN (busy: try
     * again), a {@link ConnectException} naming the cause where nobody listens or the user may
     * not connect, {@code cause} otherwise.
     */
    public static IOException refusal(UnixErrno errno, PipeAddress address, IOException cause) {
        return switch (errno) {
            case EAGAIN -> null;
            case ECONNREFUSED -> new ConnectException("no PipeLab server is listening at " + address);
            case ENOENT -> new ConnectException("no PipeLab server at " + address + " (no such socket file)");
            case EACCES -> new ConnectException("not allowed to connect to " + address + ": permission denied");
            default -> cause;
        };
    }
}
