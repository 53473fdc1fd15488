package dev.pipelab.os.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

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
import java.util.concurrent.locks.ReentrantLock;

/**
 * A socket of the native seam's blocking style. A call that has to wait waits one of two ways:
 *
 * <ul>
 *   <li><b>Parked</b> (a virtual thread, a call with a deadline, any call on a listening socket
 *       or a client's end): the call tries at once (a non-blocking descriptor, or
 *       {@code MSG_DONTWAIT}); if that says EAGAIN, the thread records itself as the direction's
 *       waiter and parks ({@link LockSupport#park}), and the {@link LinuxPoller}, which has the
 *       descriptor in its epoll set edge-triggered from its first such wait on, unparks it at the
 *       next edge. A virtual thread parked so leaves its carrier free, as it does in a blocking JDK
 *       channel.
 *   <li><b>In the kernel</b> (a platform thread's recv or send on an accepted connection, whose
 *       descriptor is in blocking mode): one ordinary downcall that returns when there are bytes
 *       or room, as a platform thread's read of a JDK channel does. No poller and no hand-off:
 *       parked, each message of the threaded engine cost two futex calls and a wake by the
 *       poller's thread besides its recv. A socket only platform threads wait on never enters the
 *       poller's epoll set, so its messages wake nobody else either.
 * </ul>
 *
 * <p>No edge is lost between the call and the park: the poller counts the edges of each
 * direction, and a caller reads the count before its call, records itself, and parks only while
 * the count has not moved (the poller bumps the count, then unparks whoever is recorded; the
 * caller records itself, then reads the count: one of the two sees the other). Joining the epoll
 * set after the EAGAIN loses nothing either: edge-triggered, the set reports at once what is ready
 * when a descriptor joins it.
 *
 * <p>The descriptor is closed once, by whoever leaves it last: each call holds it (a count in
 * {@link #state}) for as long as it runs, parked, in the kernel or neither, and {@link #close()}
 * marks it closed, shuts an accepted connection down (which ends the waits in the kernel: a recv
 * sees the end of the stream, a send EPIPE) and unparks the parked; they all fail with
 * {@link AsynchronousCloseException}, and the last call out, or the closer if none was in, closes
 * the descriptor. So a descriptor number is never reused under a call still using it. No lock on
 * the path of a message: a call costs two compare-and-sets on this socket besides its system
 * call; the interest of the epoll set changes under a lock, at a socket's first parked wait and
 * when its writer starts or stops waiting for room.
 *
 * <p>One thread reads (or accepts) while another writes; no two threads read, or write, at once:
 * each direction has one waiter, and its own errno.
 */
final class LinuxSocket implements UnixStream {

    /**
     * Interest of a connected socket: input and the peer's end, edge-triggered; EPOLLOUT is added
     * only while a writer waits for room ({@link #watchRoom}). Watched all the time, it
     * would raise an edge each time the peer reads what was sent (the bytes it frees wake the
     * writer side), and the poller would wake once more per message for nobody.
     */
    static final int CONNECTED = LinuxSys.EPOLLIN | LinuxSys.EPOLLRDHUP | LinuxSys.EPOLLET;
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

    /** What a recv in the kernel reads at most: the native space it reads into grows to it. */
    private static final int KERNEL_READ_LIMIT = 16 * 1024;
    /** The first size of that space: enough for a small message, little for an idle client to hold. */
    private static final int FIRST_KERNEL_READ_BYTES = 256;
    /** Guards every socket's place in the poller's epoll set ({@link #interestInSet}, {@link #event}). */
    private static final ReentrantLock INTEREST = new ReentrantLock();

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
    private final int interest; // CONNECTED or LISTENING: the edges its parked waits need
    private final boolean blockingMode; // the descriptor's mode: a platform thread's call may wait in the kernel
    private final LinuxSys.Errno readErrno; // the reading (or accepting) thread's
    private final LinuxSys.Errno writeErrno; // the writing thread's
    private final LinuxSys.Errno controlErrno; // shutdown and close, whose errno nobody reads
    private final MemorySegment event; // INTEREST: for epoll_ctl
    private final Arena arena; // automatic: freed with this object
    private MemorySegment gather; // the writer's, allocated on its first send that copies
    private MemorySegment received; // the reader's, for recv in the kernel, allocated on its first
    private boolean watchingRoom; // the writer's, written under INTEREST: EPOLLOUT wanted, since a send said EAGAIN
    private volatile int interestInSet; // written under INTEREST: what the epoll set has for it; 0 until its first parked wait
    private int pollSet; // INTEREST: the poller's epoll set it joined
    private volatile int state; // CLOSED | calls in progress
    private volatile int readEdges; // bumped by the poller thread only
    private volatile int writeEdges;
    private volatile Thread reader; // parked, or about to park, for the next read edge
    private volatile Thread writer;
    private volatile boolean inputShut;

    private LinuxSocket(int fd, int interest, boolean blockingMode, LinuxPoller poller, PeerIdentity peer) {
        this.fd = fd;
        this.generation = LinuxPoller.nextGeneration();
        this.poller = poller;
        this.peer = peer;
        this.interest = interest;
        this.blockingMode = blockingMode;
        this.arena = Arena.ofAuto(); // the segments live as long as the socket object
        this.readErrno = new LinuxSys.Errno(arena);
        this.writeErrno = new LinuxSys.Errno(arena);
        this.controlErrno = new LinuxSys.Errno(arena);
        this.event = arena.allocate(LinuxSys.EPOLL_EVENT);
    }

    /**
     * Takes over {@code fd}, non-blocking, whose parked waits need the edges of {@code interest}
     * (the socket joins the running poller's epoll set at its first); on failure, {@code fd} is
     * closed.
     */
    static LinuxSocket over(int fd, int interest, PeerIdentity peer) throws IOException {
        return over(fd, interest, false, peer);
    }

    /**
     * Takes over {@code fd}, a connection accepted in blocking mode: platform threads' calls wait
     * in the kernel, the others park. On failure, {@code fd} is closed.
     */
    static LinuxSocket accepted(int fd, PeerIdentity peer) throws IOException {
        return over(fd, CONNECTED, true, peer);
    }

    private static LinuxSocket over(int fd, int interest, boolean blockingMode, PeerIdentity peer) throws IOException {
        LinuxPoller poller;
        try {
            poller = LinuxPoller.retain();
        } catch (IOException | RuntimeException e) {
            closeQuietly(fd);
            throw e;
        }
        return new LinuxSocket(fd, interest, blockingMode, poller, peer);
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

    LinuxPoller poller() {
        return poller;
    }

    /** True once a parked wait put the socket into the poller's epoll set; a socket only platform threads wait on stays out. */
    boolean inPollerSet() {
        return interestInSet != 0;
    }

    // ---- the calls

    /**
     * accept4 on a listening socket: waits, parked, until a client comes.
     *
     * @return the client's descriptor, in blocking mode (see {@link #accepted}) and close-on-exec
     * @throws ClosedChannelException if the socket is closed, before or meanwhile
     */
    int accept() throws IOException {
        enter();
        try {
            while (true) {
                int edges = readEdges;
                int client = LinuxSys.accept4(readErrno, fd, LinuxSys.SOCK_CLOEXEC);
                if (client >= 0) {
                    return client;
                }
                int err = readErrno.value();
                if (err == LinuxSys.EAGAIN) {
                    await(true, edges, false, 0);
                } else if (state < 0) {
                    throw new AsynchronousCloseException();
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
            return waitsInKernel(timed) ? readInKernel(into) : readParked(into, timed, deadlineNanos);
        } finally {
            leave();
        }
    }

    private int readParked(ByteBuffer into, boolean timed, long deadlineNanos) throws IOException {
        MemorySegment buf = MemorySegment.ofBuffer(into);
        int wanted = into.remaining();
        while (true) {
            if (inputShut) {
                return -1;
            }
            int edges = readEdges;
            long n = LinuxSys.recv(readErrno, fd, buf, wanted, LinuxSys.MSG_DONTWAIT);
            if (n > 0) {
                into.position(into.position() + (int) n);
                return (int) n;
            }
            int err = readErrno.value();
            if (n < 0 && err == LinuxSys.EAGAIN) {
                if (!await(true, edges, timed, deadlineNanos)) {
                    return 0;
                }
            } else if (state < 0) {
                throw new AsynchronousCloseException(); // the shutdown of close() ended the stream
            } else if (n == 0) {
                return -1;
            } else if (err != LinuxSys.EINTR) {
                throw failure("recv", err);
            }
        }
    }

    /** A platform thread's recv, which waits in the kernel and reads into native memory of this socket's. */
    private int readInKernel(ByteBuffer into) throws IOException {
        int wanted = Math.min(into.remaining(), KERNEL_READ_LIMIT);
        MemorySegment space = received = atLeast(received, wanted, FIRST_KERNEL_READ_BYTES);
        while (true) {
            if (inputShut) {
                return -1;
            }
            closeIfInterrupted();
            long n = LinuxSys.recvWaiting(readErrno, fd, space, wanted);
            if (n > 0) {
                copyOut(space, into, (int) n);
                return (int) n;
            }
            if (state < 0) {
                throw new AsynchronousCloseException(); // the shutdown of close() ended the wait
            }
            if (n == 0) {
                return -1; // the end of the stream, or shutdownInput
            }
            int err = readErrno.value();
            if (err != LinuxSys.EINTR) {
                throw failure("recv", err);
            }
        }
    }

    private boolean waitsInKernel(boolean timed) {
        return blockingMode && !timed && !Thread.currentThread().isVirtual();
    }

    /**
     * As on a JDK channel, an interrupted thread's call closes the socket; a platform thread that
     * waits in the kernel sees an interrupt that comes meanwhile once its call returns.
     */
    private void closeIfInterrupted() throws ClosedByInterruptException {
        if (Thread.currentThread().isInterrupted()) {
            close();
            throw new ClosedByInterruptException();
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
            boolean inKernel = waitsInKernel(timed);
            MemorySegment buf;
            long wanted;
            if (only != null && !inKernel) {
                buf = MemorySegment.ofBuffer(only); // a critical call sends from the Java array itself
                wanted = only.remaining();
            } else {
                wanted = Math.min(total, GATHER_LIMIT);
                buf = gather = atLeast(gather, wanted, FIRST_GATHER_BYTES);
                long at = 0;
                for (int i = 0; i < from.length && at < wanted; i++) {
                    ByteBuffer b = from[i];
                    int n = (int) Math.min(b.remaining(), wanted - at);
                    copyIn(b, buf, at, n);
                    at += n;
                }
            }
            while (true) {
                int edges = writeEdges;
                if (inKernel) {
                    closeIfInterrupted();
                }
                long n = inKernel
                        ? LinuxSys.sendWaiting(writeErrno, fd, buf, wanted, LinuxSys.MSG_NOSIGNAL)
                        : LinuxSys.send(writeErrno, fd, buf, wanted, LinuxSys.MSG_NOSIGNAL | LinuxSys.MSG_DONTWAIT);
                if (n >= 0) {
                    if (watchingRoom && n == wanted) {
                        watchRoom(false); // room again: the peer's reads raise no edge here any more
                    }
                    advance(from, n);
                    return n;
                }
                int err = writeErrno.value();
                if (err == LinuxSys.EAGAIN && !inKernel) {
                    if (!watchingRoom) {
                        // Re-arming checks the socket at once: room that came since the send is
                        // reported now, and counted after the edges read above.
                        watchRoom(true);
                    }
                    if (!await(false, edges, timed, deadlineNanos)) {
                        return 0;
                    }
                } else if (state < 0) {
                    throw new AsynchronousCloseException(); // the shutdown of close(): EPIPE
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
        INTEREST.lock();
        try {
            watchingRoom = watch;
            if (watch || interestInSet != 0) {
                join(writeErrno);
            }
        } finally {
            INTEREST.unlock();
        }
    }

    /** A parked wait is about to begin: the socket's edges must reach the poller from now on. */
    private void watch(LinuxSys.Errno e) throws IOException {
        if (interestInSet != 0) {
            return; // in the set: its parked waits hear edges
        }
        INTEREST.lock();
        try {
            join(e);
        } finally {
            INTEREST.unlock();
        }
    }

    /** Under INTEREST: the epoll set gets this socket, or its new interest, if that differs. */
    private void join(LinuxSys.Errno e) throws IOException {
        int wanted = watchingRoom ? interest | LinuxSys.EPOLLOUT : interest;
        if (interestInSet == 0) {
            pollSet = poller.register(this, wanted, event, e);
        } else if (interestInSet != wanted) {
            poller.modify(pollSet, this, wanted, event, e);
        }
        interestInSet = wanted;
    }

    private static void copyIn(ByteBuffer from, MemorySegment to, long at, int n) {
        if (from.hasArray()) {
            MemorySegment.copy(from.array(), from.arrayOffset() + from.position(), to, JAVA_BYTE, at, n);
        } else {
            MemorySegment.copy(MemorySegment.ofBuffer(from), 0, to, at, n);
        }
    }

    private static void copyOut(MemorySegment from, ByteBuffer into, int n) {
        if (into.hasArray()) {
            MemorySegment.copy(from, JAVA_BYTE, 0, into.array(), into.arrayOffset() + into.position(), n);
        } else {
            MemorySegment.ofBuffer(into).copyFrom(from.asSlice(0, n));
        }
        into.position(into.position() + n);
    }

    /**
     * {@code space} if it holds {@code bytes}, else native space of this socket's that does, at
     * least {@code first} long: the reader's and the writer's buffers, grown as needed (the callers
     * never ask beyond their limit).
     */
    private MemorySegment atLeast(MemorySegment space, long bytes, long first) {
        return space != null && space.byteSize() >= bytes ? space : arena.allocate(Math.max(bytes, first), 8);
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
        watch(read ? readErrno : writeErrno);
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
                closeIfInterrupted();
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

    /**
     * Marks the socket closed and wakes its waiters, in the kernel (a shutdown of both directions)
     * and parked; the descriptor is closed by whoever leaves it last. Idempotent.
     */
    @Override
    public void close() {
        int s;
        do {
            s = state;
            if (s < 0) {
                return;
            }
        } while (!STATE.compareAndSet(this, s, (s + 1) | CLOSED)); // closed, and held while its callers are woken
        if (s > 0) {
            if (blockingMode) {
                LinuxSys.shutdown(controlErrno, fd, LinuxSys.SHUT_RDWR); // the only wake of a wait in the kernel
            }
            LockSupport.unpark(reader);
            LockSupport.unpark(writer);
        }
        leave();
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
