package dev.pipelab.os.unix.async;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeServerConfig;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A claimed socket path: the listening AF_UNIX socket every style of the Unix seam accepts
 * from, and the socket file it owns. The Unix counterpart of the first CreateNamedPipe with
 * FILE_FLAG_FIRST_PIPE_INSTANCE.
 *
 * <p>Its backlog holds a burst of connects, however many instances the server serves at once:
 * by default the system's maximum (SOMAXCONN). An accept that fails (EMFILE or ENFILE: out of
 * descriptors; ENOBUFS, ENOMEM) pauses accepting for {@link #ACCEPT_PAUSE}, as Netty's acceptor
 * pauses, and is logged once per pause: trying again at once would fail again at once, and
 * the clients wait in the backlog meanwhile. Connected clients are served all along.
 */
public final class UnixListener<C> {

    /** The listening socket, as one transport opens it: the JDK's channel, or a descriptor of its own. */
    public interface Socket<C> {
        /**
         * accept(2): the next client, or null when none is waiting (on a non-blocking socket).
         *
         * @throws ClosedChannelException once the socket is closed
         */
        C accept() throws IOException;

        boolean isOpen();

        void close() throws IOException;
    }

    /** socket(2), bind(2) and listen(2) at a path, as one transport makes them. */
    @FunctionalInterface
    public interface Binder<C> {
        /**
         * A listening socket at {@code path}; on failure, nothing left open, and an exception
         * {@link UnixErrno#ofBind} reads the errno from (a {@link java.net.BindException} for
         * EADDRINUSE and EACCES, as the JDK throws).
         */
        Socket<C> bind(Path path, int backlog) throws IOException;
    }

    /** How long accepting rests after an accept failed. */
    static final Duration ACCEPT_PAUSE = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(UnixListener.class);

    private final PipeServerConfig config;
    private final Socket<C> channel;
    private final Object fileKey;
    private final ReentrantLock pauseLock = new ReentrantLock();
    private final Condition resumed = pauseLock.newCondition();
    private volatile boolean paused; // read without the lock, so that accepting costs no clock read
    private long pausedUntil; // System.nanoTime(); guarded by pauseLock
    private long pauses; // guarded by pauseLock

    private UnixListener(PipeServerConfig config, Socket<C> channel, Object fileKey) {
        this.config = config;
        this.channel = channel;
        this.fileKey = fileKey;
    }

    /** Binds the socket of {@code config} with {@code binder}, after the checks of PROTOCOL.md and DESIGN.md. */
    public static <C> UnixListener<C> claim(PipeServerConfig config, Binder<C> binder) throws IOException {
        PipeAddress address = config.address();
        Path path = address.path();
        UnixSocketFiles.checkLength(path);
        UnixSocketFiles.prepareDirectory(address);
        UnixSocketFiles.clearStale(path);
        Socket<C> listener;
        try {
            // The backlog is where clients wait while every instance is busy (ERROR_PIPE_BUSY), and
            // where a burst of connects waits to be accepted. listen(2) caps the value at the
            // system's maximum, SOMAXCONN, which is what the default asks for.
            int backlog = config.acceptBacklog() == PipeServerConfig.SYSTEM_MAXIMUM_BACKLOG
                    ? Integer.MAX_VALUE
                    : config.acceptBacklog();
            listener = binder.bind(path, backlog);
        } catch (IOException e) {
            throw switch (UnixErrno.ofBind(e, path)) {
                case EADDRINUSE -> new IOException(path + " is already in use by a running server", e);
                case EACCES -> new IOException("cannot create the socket " + path + ": permission denied", e);
                default -> new IOException("cannot create the socket " + path + ": " + e.getMessage(), e);
            };
        }
        try {
            Files.setPosixFilePermissions(path, config.socketFileMode());
        } catch (IOException | RuntimeException e) {
            listener.close();
            Files.deleteIfExists(path);
            throw new IOException("cannot set the mode of the socket " + path + ": " + e.getMessage(), e);
        }
        log.debug("listening at {}", path);
        return new UnixListener<>(config, listener, UnixSocketFiles.fileKey(path));
    }

    public PipeServerConfig config() {
        return config;
    }

    public PipeAddress address() {
        return config.address();
    }

    /** The listening socket. */
    public Socket<C> socket() {
        return channel;
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    /**
     * accept(2): the next client, or null when none is waiting (on a non-blocking listener) or
     * accepting is paused. A failure pauses accepting instead of reaching the caller, so that it
     * can never count as the server's own failure.
     *
     * @throws ClosedChannelException once the listener is closed
     */
    public C accept() throws IOException {
        if (isPaused()) {
            return null;
        }
        try {
            return channel.accept();
        } catch (ClosedChannelException e) {
            throw e;
        } catch (IOException e) {
            pause(e);
            return null;
        }
    }

    /**
     * For a blocking listener: waits for the next client, resting while accepting is paused.
     *
     * @throws ClosedChannelException once the listener is closed
     */
    public C acceptWaiting() throws IOException {
        while (true) {
            awaitResumed();
            C client = accept();
            if (client != null) {
                return client;
            }
        }
    }

    /** True while accepting rests after a failure; reads the clock only then. */
    public boolean isPaused() {
        if (!paused) {
            return false;
        }
        pauseLock.lock();
        try {
            if (System.nanoTime() - pausedUntil < 0) {
                return true;
            }
            paused = false;
            resumed.signalAll();
            return false;
        } finally {
            pauseLock.unlock();
        }
    }

    /** Milliseconds until accepting resumes, at least 1; 0 when it is not paused. */
    public long pauseMillisLeft() {
        if (!isPaused()) {
            return 0;
        }
        pauseLock.lock();
        try {
            return Math.max(1, TimeUnit.NANOSECONDS.toMillis(pausedUntil - System.nanoTime()));
        } finally {
            pauseLock.unlock();
        }
    }

    private void pause(IOException failure) {
        pauseLock.lock();
        try {
            if (paused) {
                return; // another thread's accept failed too: one pause, one line
            }
            pausedUntil = System.nanoTime() + ACCEPT_PAUSE.toNanos();
            paused = true;
            pauses++;
            log.warn(
                    "accepting at {} paused for {} ms (pause {}): accept failed: {}; new clients wait in the"
                            + " backlog, connected clients are served",
                    config.address(),
                    ACCEPT_PAUSE.toMillis(),
                    pauses,
                    failure.toString());
        } finally {
            pauseLock.unlock();
        }
    }

    private void awaitResumed() throws IOException {
        pauseLock.lock();
        try {
            while (paused && channel.isOpen()) {
                long left = pausedUntil - System.nanoTime();
                if (left <= 0) {
                    paused = false;
                    break;
                }
                resumed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while accepting was paused");
        } finally {
            pauseLock.unlock();
        }
        if (!channel.isOpen()) {
            throw new ClosedChannelException();
        }
    }

    /** Stops listening and removes the socket file, if it is still ours. Idempotent. */
    public void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("closing the listener at {} failed", address(), e);
        }
        pauseLock.lock();
        try {
            resumed.signalAll(); // a blocking instance resting in a pause sees the close
        } finally {
            pauseLock.unlock();
        }
        Path path = config.address().path();
        // Remove the file only if it is still ours: a successor may already have replaced it.
        if (fileKey != null && Objects.equals(fileKey, UnixSocketFiles.fileKey(path))) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                log.warn("could not remove the socket file {}", path, e);
            }
        }
    }

    @Override
    public String toString() {
        return config.address() + (isOpen() ? "" : " (closed)");
    }
}
