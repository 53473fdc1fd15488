package dev.pipelab.os.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.pipelab.api.PeerIdentity;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.os.unix.async.UnixAsyncIo;
import dev.pipelab.os.unix.async.UnixConnection;
import dev.pipelab.os.unix.async.UnixListener;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The native transport of the overlapped and completion styles: one epoll instance,
 * edge-triggered, for the listening socket, an eventfd that wakes it, and every connection;
 * raw system calls through {@link LinuxSys}. The state machine above it is the NIO transport's
 * ({@link UnixAsyncIo}, {@link dev.pipelab.os.unix.async.UnixAsyncInstance}).
 *
 * <p>Each descriptor is registered once, for every direction it will ever need; readiness that
 * an edge reported and the loop has not used up is remembered by the connection (and by the
 * listening socket), and a connection whose operation starts while it is still ready is queued
 * here and performed at the next step, before the next epoll_wait. No lock anywhere: the loop
 * thread owns everything but {@link #wakeup()}, which other threads reach through two atomics
 * and a write to the eventfd, made only when no wake is pending already.
 */
final class LinuxEpollIo extends UnixAsyncIo {

    /**
     * Events taken per epoll_wait. Small enough that a socket reported ready is still warm in the
     * cache when the loop reads it: epoll_wait looks at each socket it reports (an edge-triggered
     * item is polled as it is taken), and between that look and the recv the loop serves every
     * event before it in the batch, each a few kilobytes of kernel and Java memory. With 1,024 at
     * 10,000 busy clients every wait came back full and the socket was cold again by its recv;
     * 256 cost 0.6-1.0 us less CPU per message in the median of alternating runs (docs/MEASUREMENTS.md), and the extra waits,
     * one per 256 messages, nothing measurable.
     */
    private static final int MAX_EVENTS = 256;
    private static final long LISTENER = -1L; // epoll data of the listening socket
    private static final long WAKE = -2L; // and of the eventfd

    private final UnixListener<Integer> listener;
    private final LinuxListenSocket socket;
    private final int epfd;
    private final int wakeFd;
    private final Arena arena = Arena.ofAuto(); // freed with the io: segments live as long as it
    private final LinuxSys.Errno errno = new LinuxSys.Errno(arena); // the loop thread's
    private final MemorySegment readSegment;
    private byte[] lastArray; // the array of the outbound buffer sent from last, and its segment
    private MemorySegment lastArraySegment;
    private final MemorySegment events;
    private final MemorySegment ctlEvent;
    private final MemorySegment wakeWord; // what the loop reads the eventfd's counter into
    private final MemorySegment wakeOne; // what other threads write to it: 1, never changed
    private final LinuxSys.Errno wakeErrno; // shared by the waking threads, and never read
    private final ArrayDeque<LinuxConnection> queued = new ArrayDeque<>();
    private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
    private final LinuxPeers peers = new LinuxPeers();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final AtomicInteger wakersInFlight = new AtomicInteger();
    private LinuxConnection[] slots = new LinuxConnection[16];
    private int usedSlots;
    private int sequence;
    private boolean acceptWanted;
    private boolean acceptQueued;
    private int nextEvent;
    private int eventCount;
    private boolean closed;

    private LinuxEpollIo(
            UnixListener<Integer> listener, LinuxListenSocket socket, MemorySegment readSegment, int epfd, int wakeFd) {
        super(listener, readSegment.asByteBuffer());
        this.listener = listener;
        this.socket = socket;
        this.readSegment = readSegment;
        this.epfd = epfd;
        this.wakeFd = wakeFd;
        this.events = arena.allocate(LinuxSys.EPOLL_EVENT_BYTES * MAX_EVENTS, 8);
        this.ctlEvent = arena.allocate(LinuxSys.EPOLL_EVENT);
        this.wakeWord = arena.allocate(JAVA_LONG);
        this.wakeOne = arena.allocate(JAVA_LONG);
        this.wakeOne.set(JAVA_LONG, 0, 1L);
        this.wakeErrno = new LinuxSys.Errno(arena);
    }

    /** Claims the endpoint of {@code config}, an epoll instance and an eventfd; on failure, none of them. */
    static LinuxEpollIo claim(PipeServerConfig config) throws IOException {
        UnixListener<Integer> listener = UnixListener.claim(config, LinuxListenSocket::bind);
        LinuxListenSocket socket = (LinuxListenSocket) listener.socket(); // what the binder made
        int epfd = -1;
        int wakeFd = -1;
        try (Arena setup = Arena.ofConfined()) {
            LinuxSys.Errno e = new LinuxSys.Errno(setup);
            epfd = LinuxSys.epollCreate1(e, LinuxSys.EPOLL_CLOEXEC);
            if (epfd < 0) {
                throw new IOException(e.describe("epoll_create1"));
            }
            wakeFd = LinuxSys.eventfd(e, 0, LinuxSys.EFD_NONBLOCK | LinuxSys.EFD_CLOEXEC);
            if (wakeFd < 0) {
                throw new IOException(e.describe("eventfd"));
            }
            MemorySegment event = setup.allocate(LinuxSys.EPOLL_EVENT);
            LinuxSys.epollAdd(e, epfd, socket.fd(), LinuxSys.EPOLLIN | LinuxSys.EPOLLET, LISTENER, event);
            LinuxSys.epollAdd(e, epfd, wakeFd, LinuxSys.EPOLLIN | LinuxSys.EPOLLET, WAKE, event);
            MemorySegment readSegment = Arena.ofAuto().allocate(READ_BUFFER_BYTES, 64);
            return new LinuxEpollIo(listener, socket, readSegment, epfd, wakeFd);
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(wakeFd);
            closeQuietly(epfd);
            listener.close();
            throw e;
        }
    }


    private static void closeQuietly(int fd) {
        if (fd >= 0) {
            try (Arena a = Arena.ofConfined()) {
                LinuxSys.close(new LinuxSys.Errno(a), fd);
            }
        }
    }

    LinuxSys.Errno errno() {
        return errno;
    }

    /**
     * The memory of {@code buffer} from its position, for recv and send: the loop's read buffer
     * as the native segment it is, any other (an instance's outbound heap buffer) as a heap
     * segment, which the critical recv and send read and write in place.
     *
     * <p>The segment of the last outbound array is kept: the spare outbound buffers are taken
     * last-in first-out, so one array serves client after client, and making its segment again
     * for each send (MemorySegment.ofBuffer: a segment and a session object) was a third of what
     * the loop allocated per message.
     */
    @SuppressWarnings("ReferenceEquality") // the loop's own buffer, the same array: not equal ones
    MemorySegment segmentOf(ByteBuffer buffer) {
        if (buffer == readBuffer()) {
            int at = buffer.position();
            return at == 0 ? readSegment : readSegment.asSlice(at);
        }
        if (!buffer.hasArray()) {
            return MemorySegment.ofBuffer(buffer);
        }
        if (buffer.array() != lastArray) {
            lastArray = buffer.array();
            lastArraySegment = MemorySegment.ofArray(lastArray);
        }
        int at = buffer.arrayOffset() + buffer.position();
        return at == 0 ? lastArraySegment : lastArraySegment.asSlice(at);
    }

    // ---- connections

    /** What a connection is watched for: input and the peer's hang-up, edge-triggered; EPOLLOUT is added only while a send waits. */
    private static final int READ_INTEREST = LinuxSys.EPOLLIN | LinuxSys.EPOLLRDHUP | LinuxSys.EPOLLET;

    /** Adds {@code c} to the epoll set, watched for input; returns its epoll data. */
    long register(LinuxConnection c) throws IOException {
        int slot;
        Integer free = freeSlots.poll();
        if (free != null) {
            slot = free;
        } else {
            if (usedSlots == slots.length) {
                slots = Arrays.copyOf(slots, slots.length * 2);
            }
            slot = usedSlots++;
        }
        // The sequence number tells a stale event (reported for a descriptor closed since, whose
        // slot a new connection took) from a live one.
        long token = ((long) slot << 32) | (++sequence & 0xFFFF_FFFFL);
        LinuxSys.epollAdd(errno, epfd, c.fd(), READ_INTEREST, token, ctlEvent);
        slots[slot] = c;
        return token;
    }

    /**
     * Watches {@code c} for EPOLLOUT too, or no longer. Only while a send waits for room: a
     * socket watched for it all the time would report an edge each time its client reads a reply
     * (the bytes it frees wake the writer), an event per message for nothing, and would cost the
     * client's every read a wake-up of this epoll. Re-arming an edge-triggered descriptor checks
     * its state at once, so room that came before this call is reported, not lost.
     */
    void watchWritable(LinuxConnection c, boolean watch) throws IOException {
        ctlEvent.set(JAVA_INT, 0, watch ? READ_INTEREST | LinuxSys.EPOLLOUT : READ_INTEREST);
        ctlEvent.set(JAVA_LONG_UNALIGNED, LinuxSys.EPOLL_EVENT_DATA, c.token());
        if (LinuxSys.epollCtl(errno, epfd, LinuxSys.EPOLL_CTL_MOD, c.fd(), ctlEvent) < 0) {
            throw new IOException(errno.describe("epoll_ctl(EPOLL_CTL_MOD, " + c.fd() + ")"));
        }
    }

    /** Closes {@code c}'s descriptor and frees its slot. */
    void release(LinuxConnection c) {
        long token = c.token();
        if (token >= 0) {
            int slot = (int) (token >>> 32);
            if (slots[slot] == c) {
                slots[slot] = null;
                freeSlots.push(slot);
            }
        }
        LinuxSys.close(errno, c.fd());
    }

    void queue(LinuxConnection c) {
        queued.add(c);
    }

    /** SO_PEERCRED: the peer's user, group and process. */
    PeerIdentity peerOf(int fd) {
        return peers.of(fd);
    }

    // ---- the transport of UnixAsyncIo

    @Override
    protected UnixConnection accept() throws IOException {
        Integer fd = listener.accept();
        return fd != null ? new LinuxConnection(this, fd) : null;
    }

    @Override
    protected void acceptInterest(boolean wanted) {
        acceptWanted = wanted;
        if (wanted && socket.isAcceptable()) {
            acceptQueued = true; // clients may wait from an edge already reported
        }
    }

    @Override
    protected boolean hasReady() {
        return acceptQueued || !queued.isEmpty() || nextEvent < eventCount;
    }

    @Override
    protected boolean select(long timeoutMillis) throws IOException {
        int timeout = (int) Math.min(Integer.MAX_VALUE, Math.max(0, timeoutMillis));
        int n = LinuxSys.epollWait(errno, epfd, events, MAX_EVENTS, timeout);
        if (n < 0) {
            if (errno.value() == LinuxSys.EINTR) {
                return false;
            }
            throw new IOException(errno.describe("epoll_wait"));
        }
        nextEvent = 0;
        eventCount = n;
        return n > 0;
    }

    @Override
    protected void performNext() throws IOException {
        if (acceptQueued) {
            acceptQueued = false;
            acceptReady();
            return;
        }
        LinuxConnection ready = queued.poll();
        if (ready != null) {
            ready.performQueued();
            return;
        }
        long at = nextEvent++ * LinuxSys.EPOLL_EVENT_BYTES;
        int reported = events.get(JAVA_INT, at);
        long data = events.get(JAVA_LONG_UNALIGNED, at + LinuxSys.EPOLL_EVENT_DATA);
        if (data == LISTENER) {
            socket.readable();
            if (acceptWanted) {
                acceptReady();
            }
        } else if (data == WAKE) {
            // Drain the counter first, then allow the next wake: a wake after this point writes again.
            LinuxSys.read(errno, wakeFd, wakeWord, 8);
            wakePending.set(false);
        } else {
            LinuxConnection c = slots[(int) (data >>> 32)];
            if (c != null && c.token() == data) {
                c.ready(reported);
            }
        }
    }

    @Override
    protected void wakeup() {
        wakersInFlight.incrementAndGet();
        try {
            if (!wakePending.getAndSet(true)) {
                LinuxSys.write(wakeErrno, wakeFd, wakeOne, 8); // cannot fail short of EAGAIN at 2^64-1 wakes
            }
        } finally {
            wakersInFlight.decrementAndGet();
        }
    }

    @Override
    protected void closePoller() {
        if (closed) {
            return;
        }
        closed = true;
        // No wake may write to the eventfd once it is closed (its number may be another file's by
        // then): mark a wake pending for good, and let the wakes already past that check finish.
        wakePending.set(true);
        while (wakersInFlight.get() != 0) {
            Thread.onSpinWait();
        }
        LinuxSys.close(errno, wakeFd);
        LinuxSys.close(errno, epfd);
    }

    @Override
    public String toString() {
        return "LinuxEpollIo[epfd " + epfd + ", " + (usedSlots - freeSlots.size()) + " connections, " + listener + "]";
    }
}
