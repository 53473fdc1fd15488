package dev.pipelab.os.linux;

import dev.pipelab.os.unix.async.UnixListener;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.BindException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;

/**
 * The listening socket of the native seam: a non-blocking AF_UNIX descriptor, registered
 * edge-triggered with the io's epoll. An edge-triggered listener reports a waiting client once,
 * so it remembers that clients may still be waiting until accept4 says EAGAIN.
 */
final class LinuxListenSocket implements UnixListener.Socket<Integer> {

    private final int fd;
    private final LinuxSys.Errno errno; // the loop thread's: accept4 is called there only
    private boolean acceptable = true; // no EAGAIN since the last edge: clients may be waiting
    private volatile boolean open = true;

    private LinuxListenSocket(int fd, Arena arena) {
        this.fd = fd;
        this.errno = new LinuxSys.Errno(arena);
    }

    /** socket, bind and listen at {@code path}; the binder of {@link UnixListener#claim}. */
    static LinuxListenSocket bind(Path path, int backlog) throws IOException {
        return new LinuxListenSocket(listen(path, backlog), Arena.ofAuto());
    }

    /**
     * socket, bind and listen at {@code path}: a listening descriptor, non-blocking, which the
     * caller owns; on failure, none, and an exception as the JDK throws it for the same errno.
     * The blocking style's listener ({@link LinuxSocket#listening}) starts from it too.
     */
    static int listen(Path path, int backlog) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            LinuxSys.Errno e = new LinuxSys.Errno(arena);
            MemorySegment addr = LinuxSys.sockaddr(arena, path.toString());
            if (addr == null) {
                throw new IOException("socket path " + path + " does not fit sun_path");
            }
            int fd = LinuxSys.socket(
                    e, LinuxSys.AF_UNIX, LinuxSys.SOCK_STREAM | LinuxSys.SOCK_NONBLOCK | LinuxSys.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new IOException(e.describe("socket"));
            }
            if (LinuxSys.bind(e, fd, addr) < 0 || LinuxSys.listen(e, fd, backlog) < 0) {
                int err = e.value();
                String why = e.describe("bind " + path);
                LinuxSys.close(e, fd);
                // as the JDK throws them, so that UnixErrno.ofBind reads them as it reads the JDK's
                throw switch (err) {
                    case LinuxSys.EADDRINUSE, LinuxSys.EACCES -> new BindException(why);
                    default -> new SocketException(why);
                };
            }
            return fd;
        }
    }

    int fd() {
        return fd;
    }

    /** True unless accept4 said EAGAIN since the last edge the poller reported. */
    boolean isAcceptable() {
        return acceptable;
    }

    /** The poller reported an edge: clients are waiting. */
    void readable() {
        acceptable = true;
    }

    @Override
    public Integer accept() throws IOException {
        while (true) {
            if (!open) {
                throw new ClosedChannelException();
            }
            int client = LinuxSys.accept4(errno, fd, LinuxSys.SOCK_NONBLOCK | LinuxSys.SOCK_CLOEXEC);
            if (client >= 0) {
                return client;
            }
            int err = errno.value();
            if (err == LinuxSys.EAGAIN) {
                acceptable = false;
                return null;
            }
            if (err != LinuxSys.EINTR && err != LinuxSys.ECONNABORTED) {
                throw new IOException(errno.describe("accept4")); // EMFILE and the like: the listener pauses
            }
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        if (!open) {
            return;
        }
        open = false;
        try (Arena arena = Arena.ofConfined()) {
            LinuxSys.Errno e = new LinuxSys.Errno(arena);
            if (LinuxSys.close(e, fd) < 0) {
                throw new IOException(e.describe("close"));
            }
        }
    }

    @Override
    public String toString() {
        return "listening fd " + fd + (open ? "" : " (closed)");
    }
}
