package dev.pipelab.os.linux;

import dev.pipelab.api.PeerIdentity;
import dev.pipelab.api.PipeAddress;
import dev.pipelab.os.unix.async.UnixErrno;
import dev.pipelab.os.unix.blocking.UnixConnects;
import dev.pipelab.spi.os.ClientEnd;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A client's end on the native seam: a non-blocking AF_UNIX descriptor, connected with one
 * connect(2), whose reads and writes park the caller on the native poller until their deadline
 * (see {@link LinuxSocket}): no selector of its own, where the NIO seam's end holds two.
 */
final class LinuxClientEnd implements ClientEnd {

    private final LinuxSocket socket;

    private LinuxClientEnd(LinuxSocket socket) {
        this.socket = socket;
    }

    /**
     * One attempt to connect to {@code address}, without waiting; the attempt of
     * {@link UnixConnects#connectWaiting}.
     *
     * @return the connected end, or null when every instance is busy and the backlog is full
     */
    static ClientEnd tryConnect(PipeAddress address) throws IOException {
        if (address.kind() != PipeAddress.Kind.UNIX_SOCKET) {
            throw new IllegalArgumentException(address + " is not a Unix socket path");
        }
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            LinuxSys.Errno e = new LinuxSys.Errno(arena);
            MemorySegment addr = LinuxSys.sockaddr(arena, address.path().toString());
            if (addr == null) {
                throw new IOException("socket path " + address + " does not fit sun_path");
            }
            fd = LinuxSys.socket(
                    e, LinuxSys.AF_UNIX, LinuxSys.SOCK_STREAM | LinuxSys.SOCK_NONBLOCK | LinuxSys.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new IOException(e.describe("socket"));
            }
            if (LinuxSys.connect(e, fd, addr) < 0) {
                int err = e.value();
                IOException cause = new IOException(e.describe("connect " + address));
                LinuxSys.close(e, fd);
                IOException refusal = UnixConnects.refusal(errnoOf(err), address, cause);
                if (refusal == null) {
                    return null; // EAGAIN: the backlog is full, ERROR_PIPE_BUSY
                }
                throw refusal;
            }
        }
        return new LinuxClientEnd(LinuxSocket.over(fd, LinuxSocket.CONNECTED, PeerIdentity.UNKNOWN));
    }

    private static UnixErrno errnoOf(int err) {
        return switch (err) {
            case LinuxSys.EAGAIN -> UnixErrno.EAGAIN;
            case LinuxSys.ECONNREFUSED -> UnixErrno.ECONNREFUSED;
            case LinuxSys.ENOENT, 20 -> UnixErrno.ENOENT; // ENOTDIR: a directory of the path missing
            case LinuxSys.EACCES -> UnixErrno.EACCES;
            default -> UnixErrno.OTHER;
        };
    }

    @Override
    public int read(ByteBuffer into, long deadlineNanos) throws IOException {
        try {
            return socket.read(into, true, deadlineNanos);
        } catch (IOException e) {
            if (UnixErrno.ofRead(e) == UnixErrno.ECONNRESET) {
                return -1; // the server closed without reading all we sent: what it sent was read first
            }
            throw e;
        }
    }

    @Override
    public boolean write(ByteBuffer[] from, long deadlineNanos) throws IOException {
        while (hasRemaining(from)) {
            if (socket.write(from, true, deadlineNanos) == 0) {
                return false; // the deadline passed first
            }
        }
        return true;
    }

    private static boolean hasRemaining(ByteBuffer[] buffers) {
        for (ByteBuffer b : buffers) {
            if (b.hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "LinuxClientEnd[" + socket + "]";
    }
}
