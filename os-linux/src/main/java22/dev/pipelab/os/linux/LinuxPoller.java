package dev.pipelab.os.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blocking style's poller: one epoll instance, edge-triggered, and one daemon platform
 * thread, {@code pipelab-native-poller-N}, that waits in epoll_wait and unparks the threads
 * parked on the sockets it reports. It is the JDK's virtual-thread poller
 * ({@code sun.nio.ch.Poller}) in spirit, with two differences: a socket is registered once, at
 * its first parked wait, for both directions, for the rest of its life (EPOLLET, no
 * EPOLLONESHOT), so that a wait costs no epoll_ctl; and what the poller tells a socket is a count
 * of edges, which the socket compares with the count it saw before its call, so that an edge
 * between that call and the park is never lost (see {@link LinuxSocket}). A socket only platform
 * threads wait on, in the kernel, is never registered.
 *
 * <p>One poller serves every socket of the process while any is open: each socket retains it
 * when it opens and releases it when its descriptor is closed; the last release wakes the
 * thread through an eventfd and joins it, the thread closes the epoll instance as it ends, and
 * the next socket starts a new poller. So the
 * poller holds nothing while nothing is open, and no thread outlives the last socket.
 *
 * <p>epoll data is the socket's descriptor and a generation, and the poller finds the socket in
 * a table indexed by descriptor. A socket leaves the table before its descriptor is closed;
 * an event the kernel reported before that, read after it, names a generation no socket has
 * any more and is dropped.
 */
final class LinuxPoller {

    private static final Logger log = LoggerFactory.getLogger(LinuxPoller.class);

    private static final int MAX_EVENTS = 512;
    private static final long WAKE = -1L; // epoll data of the eventfd: no socket's (descriptors are below 2^21)
    private static final int PAGE_BITS = 10;
    private static final int PAGE_SIZE = 1 << PAGE_BITS;
    private static final int PAGES = 1 << 11; // descriptors below 2^21, above Linux's default nr_open of 2^20
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private static final AtomicReference<LinuxPoller> CURRENT = new AtomicReference<>();
    private static final ReentrantLock STARTING = new ReentrantLock(); // only when no poller runs
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final AtomicInteger GENERATIONS = new AtomicInteger();

    private final int epfd;
    private final int wakeFd;
    private final Arena arena = Arena.ofAuto();
    private final LinuxSys.Errno errno = new LinuxSys.Errno(arena); // the poller thread's
    private final LinuxSys.Errno stopErrno = new LinuxSys.Errno(arena);
    private final MemorySegment events = arena.allocate(LinuxSys.EPOLL_EVENT_BYTES * MAX_EVENTS, 8);
    private final MemorySegment wakeOne = arena.allocate(JAVA_LONG); // 1, what release() writes
    private final AtomicReferenceArray<AtomicReferenceArray<LinuxSocket>> pages = new AtomicReferenceArray<>(PAGES);
    private final AtomicInteger users = new AtomicInteger(1); // 0: stopping, for good
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Throwable failure;

    private LinuxPoller(int epfd, int wakeFd) {
        this.epfd = epfd;
        this.wakeFd = wakeFd;
        // A daemon that inherits nothing from whichever thread happened to start it: it holds
        // nothing a JVM exit could lose, and keeps nothing of its starter alive.
        this.thread = Thread.ofPlatform()
                .name("pipelab-native-poller-" + THREADS.incrementAndGet())
                .daemon(true)
                .inheritInheritableThreadLocals(false)
                .unstarted(this::pollLoop);
        wakeOne.set(JAVA_LONG, 0, 1L);
    }

    /** The running poller, retained for one socket; started if none runs. */
    static LinuxPoller retain() throws IOException {
        LinuxPoller p = CURRENT.get();
        if (p != null && p.tryRetain()) {
            return p;
        }
        STARTING.lock();
        try {
            p = CURRENT.get();
            if (p != null && p.tryRetain()) {
                return p;
            }
            LinuxPoller fresh = start(); // retained once, for the caller
            CURRENT.set(fresh);
            return fresh;
        } finally {
            STARTING.unlock();
        }
    }

    private static LinuxPoller start() throws IOException {
        try (Arena setup = Arena.ofConfined()) {
            LinuxSys.Errno e = new LinuxSys.Errno(setup);
            int epfd = LinuxSys.epollCreate1(e, LinuxSys.EPOLL_CLOEXEC);
            if (epfd < 0) {
                throw new IOException(e.describe("epoll_create1"));
            }
            int wakeFd = LinuxSys.eventfd(e, 0, LinuxSys.EFD_NONBLOCK | LinuxSys.EFD_CLOEXEC);
            if (wakeFd < 0) {
                String why = e.describe("eventfd");
                LinuxSys.close(e, epfd);
                throw new IOException(why);
            }
            MemorySegment event = setup.allocate(LinuxSys.EPOLL_EVENT);
            event.set(JAVA_INT, 0, LinuxSys.EPOLLIN);
            event.set(JAVA_LONG_UNALIGNED, LinuxSys.EPOLL_EVENT_DATA, WAKE);
            if (LinuxSys.epollCtl(e, epfd, LinuxSys.EPOLL_CTL_ADD, wakeFd, event) < 0) {
                String why = e.describe("epoll_ctl(EPOLL_CTL_ADD, eventfd)");
                LinuxSys.close(e, wakeFd);
                LinuxSys.close(e, epfd);
                throw new IOException(why);
            }
            LinuxPoller poller = new LinuxPoller(epfd, wakeFd);
            poller.thread.start();
            return poller;
        }
    }

    private boolean tryRetain() {
        if (failure != null) {
            CURRENT.compareAndSet(this, null); // its sockets fail; new ones get a new poller
            return false;
        }
        while (true) {
            int n = users.get();
            if (n == 0) {
                return false; // stopping: the caller starts the next one
            }
            if (users.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** One socket less; the last stops the thread, which closes the epoll instance as it ends. */
    void release() {
        if (users.decrementAndGet() != 0) {
            return;
        }
        CURRENT.compareAndSet(this, null);
        stopping = true;
        // The one write to the eventfd: the thread ends when it reads it, and only then closes
        // the eventfd, so that this write never reaches a descriptor number reused meanwhile.
        LinuxSys.write(stopErrno, wakeFd, wakeOne, 8);
        if (Thread.currentThread() == thread) {
            return;
        }
        // Joined, so that no PipeLab thread is left once the last socket is closed. The poller
        // only unparks, so it ends within one pass over the events it holds; an interrupt (the
        // threaded engine interrupts its acceptor as it stops) must not cut the wait short.
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        boolean interrupted = false;
        while (thread.isAlive()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                log.warn("{} did not stop within {}", thread.getName(), STOP_WAIT);
                break;
            }
            try {
                thread.join(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null && !thread.isAlive()) {
            closeDescriptors(stopErrno); // it ended by failing, before it could read the wake
        }
    }

    private void closeDescriptors(LinuxSys.Errno e) {
        LinuxSys.close(e, wakeFd);
        LinuxSys.close(e, epfd);
    }

    /** A generation for a new socket, which tells its events from those of an earlier socket on the same descriptor. */
    static int nextGeneration() {
        return GENERATIONS.incrementAndGet();
    }

    /**
     * Adds {@code socket} to the table and to the epoll set, with {@code interest} (EPOLLET
     * included); {@code event} and {@code e} are the caller's.
     */
    void register(LinuxSocket socket, int interest, MemorySegment event, LinuxSys.Errno e) throws IOException {
        int fd = socket.fd();
        AtomicReferenceArray<LinuxSocket> page = page(fd);
        page.set(fd & (PAGE_SIZE - 1), socket);
        if (control(socket, LinuxSys.EPOLL_CTL_ADD, interest, event, e) < 0) {
            page.compareAndSet(fd & (PAGE_SIZE - 1), socket, null);
            throw new IOException(e.describe("epoll_ctl(EPOLL_CTL_ADD, " + fd + ")"));
        }
    }

    /** Changes the interest of {@code socket}, registered already, to {@code interest} (EPOLLET included). */
    void modify(LinuxSocket socket, int interest, MemorySegment event, LinuxSys.Errno e) throws IOException {
        if (control(socket, LinuxSys.EPOLL_CTL_MOD, interest, event, e) < 0) {
            throw new IOException(e.describe("epoll_ctl(EPOLL_CTL_MOD, " + socket.fd() + ")"));
        }
    }

    /** epoll_ctl of {@code socket} with its epoll data: generation and descriptor. */
    private int control(LinuxSocket socket, int op, int interest, MemorySegment event, LinuxSys.Errno e) {
        event.set(JAVA_INT, 0, interest);
        event.set(JAVA_LONG_UNALIGNED, LinuxSys.EPOLL_EVENT_DATA, ((long) socket.generation() << 32) | socket.fd());
        return LinuxSys.epollCtl(e, epfd, op, socket.fd(), event);
    }

    /** Takes {@code socket} out of the table, before its descriptor is closed (which takes it out of the epoll set). */
    void forget(LinuxSocket socket) {
        int fd = socket.fd();
        AtomicReferenceArray<LinuxSocket> page = pages.get(fd >>> PAGE_BITS);
        if (page != null) {
            page.compareAndSet(fd & (PAGE_SIZE - 1), socket, null);
        }
    }

    /** Why the poller stopped serving, or null while it serves. */
    Throwable failure() {
        return failure;
    }

    private AtomicReferenceArray<LinuxSocket> page(int fd) throws IOException {
        int index = fd >>> PAGE_BITS;
        if (index >= PAGES) {
            throw new IOException("descriptor " + fd + " is beyond the native poller's table (" + PAGES * PAGE_SIZE + ")");
        }
        AtomicReferenceArray<LinuxSocket> page = pages.get(index);
        if (page == null) {
            AtomicReferenceArray<LinuxSocket> fresh = new AtomicReferenceArray<>(PAGE_SIZE);
            page = pages.compareAndSet(index, null, fresh) ? fresh : pages.get(index);
        }
        return page;
    }

    private void pollLoop() {
        boolean stopped = false;
        try {
            while (!stopped) {
                int n = LinuxSys.epollWait(errno, epfd, events, MAX_EVENTS, -1);
                if (n < 0) {
                    if (errno.value() == LinuxSys.EINTR) {
                        continue;
                    }
                    throw new IOException(errno.describe("epoll_wait"));
                }
                for (int i = 0; i < n; i++) {
                    stopped |= dispatch(i * LinuxSys.EPOLL_EVENT_BYTES);
                }
            }
        } catch (Throwable t) {
            // Every parked thread must hear of it, or it would wait for an edge that never comes.
            failure = t;
            log.error("{} failed; the sockets it served fail", thread.getName(), t);
            wakeAll();
        }
        if (stopped) {
            closeDescriptors(errno); // no socket is left, and release() wrote its wake
        }
    }

    /** Hands one event to its socket; true for the wake of {@link #release()}, the last. */
    private boolean dispatch(long at) {
        long data = events.get(JAVA_LONG_UNALIGNED, at + LinuxSys.EPOLL_EVENT_DATA);
        if (data == WAKE) {
            return stopping; // only release() writes to the eventfd, once
        }
        int fd = (int) data;
        AtomicReferenceArray<LinuxSocket> page = pages.get(fd >>> PAGE_BITS);
        LinuxSocket socket = page == null ? null : page.get(fd & (PAGE_SIZE - 1));
        if (socket != null && socket.generation() == (int) (data >>> 32)) {
            socket.ready(events.get(JAVA_INT, at));
        }
        return false;
    }

    private void wakeAll() {
        for (int p = 0; p < PAGES; p++) {
            AtomicReferenceArray<LinuxSocket> page = pages.get(p);
            for (int i = 0; page != null && i < PAGE_SIZE; i++) {
                LinuxSocket socket = page.get(i);
                if (socket != null) {
                    socket.ready(LinuxSys.EPOLLERR);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "LinuxPoller[" + thread.getName() + ", epfd " + epfd + ", " + users.get() + " sockets"
                + (failure != null ? ", failed: " + failure : "") + "]";
    }
}
