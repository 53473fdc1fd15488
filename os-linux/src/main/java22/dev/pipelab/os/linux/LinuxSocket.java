package dev.pipelab.os.linux;

import dev.pipelab.api.PeerIdentity;
import dev.pipelab.os.unix.blocking.UnixStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.locks.LockSupport;

/**
 * A socket of the native seam's blocking style: a non-blocking AF_UNIX descriptor whose calls
 * block their caller by parking it, never in the kernel. A call that would block (accept4, recv
 * or send says EAGAIN) records the calling thread as the direction's waiter and parks it
 * ({@link LockSupport#park}); the {@link LinuxPoller}, which has the descriptor registered
 * edge-triggered for its whole life, unparks it at the next edge. A virtual thread parked so
 * leaves its carrier free, as it does in a blocking JDK channel; a platform thread (the threaded
 * engine) parks the same way.
 *
 * <p>No edge is lost between the call and the park: the poller counts the edges of each
 * direction, and a caller reads the count before its call, records itself, and parks only while
 * the count has not moved (the poller bumps the count, then unparks whoever is recorded; the
 * caller records itself, then reads the count: one of the two sees the other).
 *
 * <p>The descriptor is closed once, by whoever leaves it last: each call holds it (a count in
 * {@link #state}) for as long as it runs, parked or not, and {@link #close()} marks it closed and
 * unparks the waiters, which then fail with {@link AsynchronousCloseException}; the last call out,
 * or the closer if none was in, closes the descriptor. So a descriptor number is never reused
 * under a call still using it. No lock anywhere: a call costs two compare-and-sets on this
 * socket besides its system call.
 *
 * <p>One thread reads (or accepts) while another writes; no two threads read, or write, at once:
 * each direction has one waiter, and its own errno.
 */
final class LinuxSocket implements UnixStream {

    /**
     * Interest of a connected socket: input and the peer's end, edge-triggered; EPOLLOUT is added
     * only while a writer waits for room ({@link #WAITING_FOR_ROOM}). Watched all the time, it
     * would raise an edge each time the peer reads what was sent (the bytes it frees wake the
     * writer side), and the poller would wake once more per message for nobody.
     */
    static final int CONNECTED = LinuxSys.EPOLLIN | LinuxSys.EPOLLRDHUP | LinuxSys.EPOLLET;
    /** Interest of a connected socket whose writer waits for room. */
    static final int WAITING_FOR_ROOM = CONNECTED | LinuxSys.EPOLLOUT;
    /** Interest of a listening socket: clients waiting. */
    static final int LISTENING = LinuxSys.EPOLLIN | LinuxSys.EPOLLET;

    private static final int CLOSED = Integer.MIN_VALUE; // the bit of state; the rest counts calls in
    private static final int READ_EVENTS =
            LinuxSys.EPOLLIN | LinuxSys.EPOLLRDHUP | LinuxSys.EPOLLHUP | LinuxSys.EPOLLERR;
    private static final int WRITE_EVENTS = LinuxSys.EPOLLOUT | LinuxSys.EPOLLHUP | LinuxSys.EPOLLERR;
    /** What one gathered send copies at most; the rest goes with the next. */
    private static final long GATHER_LIMIT = 64 * 1024;
    /** The gather buffer's first size: enough for a small message and its header. */
    private static final long FIRST_GATHER_BYTES = 512;

    private static final VarHandle STATE;
    private static final VarHandle READ_EDGES;
    private static final VarHandle WRITE_EDGES;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(LinuxSocket.class, "state", int.class);
            READ_EDGES = l.findVarHandle(LinuxSocket.class, "readEdges", int.class);
            WRITE_EDGES = l.findVarHandle(LinuxSocket.class, "writeEdges", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int fd;
    private final int generation;
    private final LinuxPoller poller;
    private final PeerIdentity peer;
    private final LinuxSys.Errno readErrno; // the reading (or accepting) thread's
    private final LinuxSys.Errno writeErrno; // the writing thread's
    private final LinuxSys.Errno controlErrno; // shutdown and close, whose errno nobody reads
    private final MemorySegment event; // for the epoll_ctl that registers it, then the writer's
    private final Arena arena; // automatic: freed with this object
    private MemorySegment gather; // the writer's, allocated on its first gathered send
    private boolean watchingRoom; // the writer's: EPOLLOUT in the interest, since a send said EAGAIN
    private volatile int state; // CLOSED | calls in progress
    private volatile int readEdges; // bumped by the poller thread only
    private volatile int writeEdges;
    private volatile Thread reader; // parked, or about to park, for the next read edge
    private volatile Thread writer;
    private volatile boolean inputShut;

    private LinuxSocket(int fd, LinuxPoller poller, PeerIdentity peer) {
        this.fd = fd;
        this.generation = LinuxPoller.nextGeneration();
        this.poller = poller;
        this.peer = peer;
        this.arena = Arena.ofAuto(); // the segments live as long as the socket object
        this.readErrno = new LinuxSys.Errno(arena);
        this.writeErrno = new LinuxSys.Errno(arena);
        this.controlErrno = new LinuxSys.Errno(arena);
        this.event = arena.allocate(LinuxSys.EPOLL_EVENT);
    }

    /**
     * Takes over {@code fd}, non-blocking, registered with the running poller for
     * {@code interest}; on failure, {@code fd} is closed.
     */
    static LinuxSocket over(int fd, int interest, PeerIdentity peer) throws IOException {
        LinuxPoller poller;
        try {
            poller = LinuxPoller.retain();
        } catch (IOException | RuntimeException e) {
            closeQuietly(fd);
            throw e;
        }
        LinuxSocket socket = new LinuxSocket(fd, poller, peer);
        try {
            poller.register(socket, interest, socket.event, socket.controlErrno);
        } catch (IOException | RuntimeException e) {
            closeQuietly(fd);
            poller.release();
            throw e;
        }
        return socket;
    }

    private static void closeQuietly(int fd) {
        try (Arena a = Arena.ofConfined()) {
            LinuxSys.close(new LinuxSys.Errno(a), fd);
        }
    }

    int fd() {
        return fd;
    }

    int generation() {
        return generation;
    }

    // ---- the calls

    /**
     * accept4 on a listening socket: waits until a client comes.
     *
     * @return the client's descriptor, non-blocking and close-on-exec
     * @throws ClosedChannelException if the socket is closed, before or meanwhile
     */
    int accept() throws IOException {
        enter();
        try {
            while (true) {
                int edges = readEdges;
                int client = LinuxSys.accept4(readErrno, fd, LinuxSys.SOCK_NONBLOCK | LinuxSys.SOCK_CLOEXEC);
                if (client >= 0) {
                    return client;
                }
                int err = readErrno.value();
                if (err == LinuxSys.EAGAIN) {
                    await(true, edges, false, 0);
                } else if (err != LinuxSys.EINTR && err != LinuxSys.ECONNABORTED) {
                    throw new IOException(readErrno.describe("accept4")); // EMFILE and the like: the listener pauses
                }
            }
        } finally {
            leave();
        }
    }

    @Override
    public int read(ByteBuffer into) throws IOException {
        return read(into, false, 0);
    }

    /**
     * recv into {@code into}, waiting for bytes, until {@code deadlineNanos} if {@code timed}.
     *
     * @return the bytes read; -1 at the end of the stream or once the input is shut; 0 if the
     *     deadline passed first
     */
    int read(ByteBuffer into, boolean timed, long deadlineNanos) throws IOException {
        if (!into.hasRemaining()) {
            return 0; // recv of 0 bytes would return 0, which means the end of the stream
        }
        enter();
        try {
            MemorySegment buf = MemorySegment.ofBuffer(into);
            int wanted = into.remaining();
            while (true) {
                if (inputShut) {
                    return -1;
                }
                int edges = readEdges;
                long n = LinuxSys.recv(readErrno, fd, buf, wanted, 0);
                if (n > 0) {
                    into.position(into.position() + (int) n);
                    return (int) n;
                }
                if (n == 0) {
                    return -1;
                }
                int err = readErrno.value();
                if (err == LinuxSys.EAGAIN) {
                    if (!await(true, edges, timed, deadlineNanos)) {
                        return 0;
                    }
                } else if (err != LinuxSys.EINTR) {
                    throw failure("recv", err);
                }
            }
        } finally {
            leave();
        }
    }

    @Override
    public long write(ByteBuffer[] from) throws IOException {
        return write(from, false, 0);
    }

    /**
     * send of what fits of {@code from}, in order, waiting for room, until {@code deadlineNanos}
     * if {@code timed}. One buffer with bytes left is sent from where it is; several are
     * gathered first into a native buffer of this socket's, up to {@link #GATHER_LIMIT} bytes,
     * and sent with one call, as the JDK gathers a write of heap buffers: each send is one
     * message in the peer's queue, and a header sent apart from its payload would double what the
     * kernel charges the sender for the same bytes.
     *
     * @return the bytes written; 0 if the deadline passed first
     */
    long write(ByteBuffer[] from, boolean timed, long deadlineNanos) throws IOException {
        ByteBuffer only = null;
        long total = 0;
        for (ByteBuffer candidate : from) {
            if (candidate.hasRemaining()) {
                only = total == 0 ? candidate : null;
                total += candidate.remaining();
            }
        }
        if (total == 0) {
            return 0;
        }
        enter();
        try {
            MemorySegment buf;
            long wanted;
            if (only != null) {
                buf = MemorySegment.ofBuffer(only);
                wanted = only.remaining();
            } else {
                wanted = Math.min(total, GATHER_LIMIT);
                buf = gatherBuffer(wanted);
                long at = 0;
                for (int i = 0; i < from.length && at < wanted; i++) {
                    ByteBuffer b = from[i];
                    long n = Math.min(b.remaining(), wanted - at);
                    MemorySegment.copy(MemorySegment.ofBuffer(b), 0, buf, at, n);
                    at += n;
                }
            }
            while (true) {
                int edges = writeEdges;
                long n = LinuxSys.send(writeErrno, fd, buf, wanted, LinuxSys.MSG_NOSIGNAL);
                if (n >= 0) {
                    if (watchingRoom && n == wanted) {
                        watchRoom(false); // room again: the peer's reads raise no edge here any more
                    }
                    advance(from, n);
                    return n;
                }
                int err = writeErrno.value();
                if (err == LinuxSys.EAGAIN) {
                    if (!watchingRoom) {
                        // Re-arming checks the socket at once: room that came since the send is
                        // reported now, and counted after the edges read above.
                        watchRoom(true);
                    }
                    if (!await(false, edges, timed, deadlineNanos)) {
                        return 0;
                    }
                } else if (err != LinuxSys.EINTR) {
                    throw failure("send", err);
                }
            }
        } finally {
            leave();
        }
    }

    /** The writer asks the poller for EPOLLOUT edges, or no longer. */
    private void watchRoom(boolean watch) throws IOException {
        poller.modify(this, watch ? WAITING_FOR_ROOM : CONNECTED, event, writeErrno);
        watchingRoom = watch;
    }

    /** The writer's gather buffer, at least {@code bytes} long; grown as needed, never beyond the limit. */
    private MemorySegment gatherBuffer(long bytes) {
        MemorySegment g = gather;
        if (g == null || g.byteSize() < bytes) {
            g = arena.allocate(Math.max(bytes, FIRST_GATHER_BYTES), 8);
            gather = g;
        }
        return g;
    }

    private static void advance(ByteBuffer[] buffers, long sent) {
        for (int i = 0; i < buffers.length && sent > 0; i++) {
            ByteBuffer b = buffers[i];
            int n = (int) Math.min(b.remaining(), sent);
            b.position(b.position() + n);
            sent -= n;
        }
    }

    /** As the JDK's channels say it: a reset is a SocketException, which UnixErrno reads as ECONNRESET. */
    private static IOException failure(String call, int err) {
        String why = call + ": " + LinuxSys.name(err) + " (errno " + err + ")";
        return err == LinuxSys.ECONNRESET || err == LinuxSys.EPIPE
                ? new SocketException("Connection reset: " + why)
                : new IOException(why);
    }

    /**
     * Parks the calling thread until the poller reports an edge of the direction that came after
     * the count {@code edges}, or until the deadline.
     *
     * @return false if the deadline passed first
     * @throws AsynchronousCloseException if the socket was closed meanwhile
     */
    private boolean await(boolean read, int edges, boolean timed, long deadlineNanos) throws IOException {
        Thread me = Thread.currentThread();
        if (read) {
            reader = me;
        } else {
            writer = me;
        }
        try {
            while ((read ? readEdges : writeEdges) == edges) {
                if (state < 0) {
                    throw new AsynchronousCloseException();
                }
                if (read && inputShut) {
                    return true; // the caller sees it and returns the end of the stream
                }
                Throwable failed = poller.failure();
                if (failed != null) {
                    throw new IOException("the native poller failed: " + failed, failed);
                }
                if (me.isInterrupted()) {
                    close(); // as an interrupted JDK channel does
                    throw new ClosedByInterruptException();
                }
                if (!timed) {
                    LockSupport.park(this);
                } else {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    LockSupport.parkNanos(this, left);
                }
            }
            return true;
        } finally {
            if (read) {
                reader = null;
            } else {
                writer = null;
            }
        }
    }

    /** The poller thread: {@code events} were reported for this socket. */
    void ready(int events) {
        if ((events & READ_EVENTS) != 0) {
            READ_EDGES.getAndAdd(this, 1);
            LockSupport.unpark(reader);
        }
        if ((events & WRITE_EVENTS) != 0) {
            WRITE_EDGES.getAndAdd(this, 1);
            LockSupport.unpark(writer);
        }
    }

    @Override
    public void shutdownInput() throws IOException {
        inputShut = true;
        if (tryEnter()) {
            try {
                LinuxSys.shutdown(controlErrno, fd, LinuxSys.SHUT_RD); // as the JDK's channel does: the peer sees it
            } finally {
                leave();
            }
        }
        LockSupport.unpark(reader);
    }

    /** shutdown(SHUT_WR): the peer reads the end of the stream. */
    void shutdownOutput() throws IOException {
        enter();
        try {
            if (LinuxSys.shutdown(writeErrno, fd, LinuxSys.SHUT_WR) < 0) {
                throw new IOException(writeErrno.describe("shutdown"));
            }
        } finally {
            leave();
        }
    }

    @Override
    public PeerIdentity peer() {
        return peer;
    }

    @Override
    public boolean isOpen() {
        return state >= 0;
    }

    /** Marks the socket closed and wakes its waiters; the descriptor is closed by whoever leaves it last. Idempotent. */
    @Override
    public void close() {
        int s;
        do {
            s = state;
            if (s < 0) {
                return;
            }
        } while (!STATE.compareAndSet(this, s, s | CLOSED));
        if (s == 0) {
            destroy();
        } else {
            LockSupport.unpark(reader);
            LockSupport.unpark(writer);
        }
    }

    // ---- who holds the descriptor

    private void enter() throws ClosedChannelException {
        if (!tryEnter()) {
            throw new ClosedChannelException();
        }
    }

    private boolean tryEnter() {
        int s;
        do {
            s = state;
            if (s < 0) {
                return false;
            }
        } while (!STATE.compareAndSet(this, s, s + 1));
        return true;
    }

    private void leave() {
        if ((int) STATE.getAndAdd(this, -1) - 1 == CLOSED) {
            destroy(); // closed while this call was in, and it was the last
        }
    }

    /** Exactly once, when closed and no call is in: the descriptor leaves the poller, then closes. */
    private void destroy() {
        poller.forget(this);
        LinuxSys.close(controlErrno, fd);
        poller.release();
    }

    @Override
    public String toString() {
        int s = state;
        return "LinuxSocket[fd " + fd + (s < 0 ? ", closed" : "") + ", " + (s & ~CLOSED) + " calls in"
                + (reader != null ? ", reader parked" : "") + (writer != null ? ", writer parked" : "") + "]";
    }
}
