package dev.pipelab.os.linux;

import dev.pipelab.api.PeerIdentity;
import dev.pipelab.os.unix.async.UnixAsyncInstance;
import dev.pipelab.os.unix.async.UnixConnection;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * A client of the native seam: a non-blocking descriptor registered with the io's epoll,
 * edge-triggered, for input and hang-up (EPOLLIN | EPOLLRDHUP | EPOLLET), and for EPOLLOUT only
 * while a send waits for room; so serving a client that reads its replies costs no epoll_ctl at
 * all. Edge-triggered, the kernel reports a direction once each time it becomes ready; so the
 * connection remembers whether the socket may still be readable (no short read or EAGAIN since
 * the last edge) and writable (no short send or EAGAIN since the last edge), and an operation
 * that starts while it may be ready is performed at the io's next step instead of waiting for an
 * edge that will not come.
 *
 * <p>A read that returns less than it asked for drained the socket at that moment: any byte that
 * arrives later raises a new edge, so the connection stops reading there instead of paying a
 * recv that returns EAGAIN (Netty's epoll transport does the same). A short send likewise means
 * the socket buffer is full: the connection then watches for EPOLLOUT, until a send goes through
 * whole again.
 */
final class LinuxConnection implements UnixConnection {

    private final LinuxEpollIo io;
    private final int fd;
    private UnixAsyncInstance instance;
    private long token = -1; // its epoll data: slot and sequence, see LinuxEpollIo
    private boolean readable = true; // may hold bytes: no short read since the last EPOLLIN
    private boolean writable = true; // may take bytes: no short send since the last EPOLLOUT
    private boolean watchingWritable; // EPOLLOUT in its interest: a send fell short, and none has gone whole since
    private boolean queued; // listed with the io to be performed at its next step
    private boolean closed;

    LinuxConnection(LinuxEpollIo io, int fd) {
        this.io = io;
        this.fd = fd;
    }

    int fd() {
        return fd;
    }

    @Override
    public void register(UnixAsyncInstance owner) throws IOException {
        instance = owner;
        token = io.register(this);
    }

    long token() {
        return token;
    }

    @Override
    public int read(ByteBuffer into) throws IOException {
        int wanted = into.remaining();
        MemorySegment buf = io.segmentOf(into);
        while (true) {
            long n = LinuxSys.recv(io.errno(), fd, buf, wanted, 0);
            if (n > 0) {
                into.position(into.position() + (int) n);
                if (n < wanted) {
                    readable = false; // drained: the next byte raises an edge
                }
                return (int) n;
            }
            if (n == 0) {
                return -1; // the end of the stream; it stays readable, and every read says so
            }
            int err = io.errno().value();
            if (err == LinuxSys.EAGAIN) {
                readable = false;
                return 0;
            }
            if (err != LinuxSys.EINTR) {
                throw failure("recv", err);
            }
        }
    }

    @Override
    public int write(ByteBuffer from) throws IOException {
        int wanted = from.remaining();
        MemorySegment buf = io.segmentOf(from);
        while (true) {
            long n = LinuxSys.send(io.errno(), fd, buf, wanted, LinuxSys.MSG_NOSIGNAL);
            if (n >= 0) {
                from.position(from.position() + (int) n);
                if (n < wanted) {
                    waitForRoom(); // the socket buffer is full
                } else if (watchingWritable) {
                    watchingWritable = false; // room again: back to an event per request only
                    io.watchWritable(this, false);
                }
                return (int) n;
            }
            int err = io.errno().value();
            if (err == LinuxSys.EAGAIN) {
                waitForRoom();
                return 0;
            }
            if (err != LinuxSys.EINTR) {
                throw failure("send", err);
            }
        }
    }

    /** A send fell short: EPOLLOUT comes when the socket has room. */
    private void waitForRoom() throws IOException {
        writable = false;
        if (!watchingWritable) {
            watchingWritable = true;
            io.watchWritable(this, true);
        }
    }

    /** As the JDK's channels say it: a reset is a SocketException, which UnixErrno reads as ECONNRESET. */
    private IOException failure(String call, int err) {
        String why = call + ": " + LinuxSys.name(err) + " (errno " + err + ")";
        return err == LinuxSys.ECONNRESET || err == LinuxSys.EPIPE
                ? new SocketException("Connection reset: " + why)
                : new IOException(why);
    }

    @Override
    public void wantReady(int op) {
        boolean ready = op == SelectionKey.OP_READ ? readable : writable;
        if (ready && !queued && !closed) {
            queued = true;
            io.queue(this); // an edge already came and was not used up: perform it at the next step
        }
    }

    @Override
    public void notReady(int op) {
        // Edge-triggered: nothing to turn off; the flag keeps what the last edge said.
    }

    /** The epoll events reported for this connection. */
    void ready(int events) {
        if ((events & (LinuxSys.EPOLLIN | LinuxSys.EPOLLRDHUP | LinuxSys.EPOLLHUP | LinuxSys.EPOLLERR)) != 0) {
            readable = true;
        }
        if ((events & (LinuxSys.EPOLLOUT | LinuxSys.EPOLLHUP | LinuxSys.EPOLLERR)) != 0) {
            writable = true;
        }
        perform();
    }

    /** Taken from the io's queue. */
    void performQueued() {
        queued = false;
        perform();
    }

    private void perform() {
        if (readable && !closed) {
            instance.performRead();
        }
        if (writable && !closed) {
            instance.performWrite();
        }
    }

    @Override
    public PeerIdentity peer() {
        return io.peerOf(fd);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        io.release(this); // closing the descriptor takes it out of the epoll set
    }

    @Override
    public String toString() {
        return "fd " + fd + (readable ? " readable" : "") + (writable ? " writable" : "") + (closed ? " closed" : "");
    }
}
