package dev.pipelab.os.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blocking style's poller, built as the JDK's own is on Linux ({@code sun.nio.ch.Poller} in its
 * default mode): sub-pollers, each an epoll instance of its own drained by a virtual thread
 * ({@code pipelab-native-subpoller-N-i}, as many as the JDK has: a power of two up to the
 * processors), hold the sockets virtual threads park on, each in the set of the sub-poller its
 * descriptor falls to; one daemon platform thread, {@code pipelab-native-poller-N}, the master,
 * waits in epoll_wait on the sub-pollers' sets (one-shot, armed by a sub-poller before it parks),
 * on an eventfd, and on the sockets platform threads park on (an accept, a client's end), and
 * unparks the sub-poller whose set has events, or a socket's waiters itself. A sub-poller under load never parks: it polls
 * without waiting, unparks the threads parked on the sockets it finds, and yields, so that a
 * virtual thread is woken by a virtual thread, from its carrier's own queue, rather than by a
 * platform thread from outside the scheduler. Two differences from the JDK's: a socket is
 * registered once, at its first parked wait, for both directions, for the rest of its life
 * (EPOLLET, no EPOLLONESHOT), so that a wait costs no epoll_ctl; and what the poller tells a
 * socket is a count of edges, which the socket compares with the count it saw before its call,
 * so that an edge between that call and the park is never lost (see {@link LinuxSocket}). A
 * socket only platform threads wait on, in the kernel, is never registered.
 *
 * <p>One poller serves every socket of the process while any is open: each socket retains it
 * when it opens and releases it when its descriptor is closed; the last release wakes the
 * master through the eventfd and joins it; the master ends the sub-pollers, joins them, closes
 * every epoll instance and the eventfd as it ends, and the next socket starts a new poller. So
 * the poller holds nothing while nothing is open, and no thread outlives the last socket.
 *
 * <p>epoll data is the socket's descriptor and a generation, and the poller finds the socket in
 * a table indexed by descriptor. A socket leaves the table before its descriptor is closed;
 * an event the kernel reported before that, read after it, names a generation no socket has
 * any more and is dropped.
 */
final class LinuxPoller {

    private static final Logger log = LoggerFactory.getLogger(LinuxPoller.class);

    private static final int MAX_EVENTS = 512;
    private static final long WAKE = -1L; // epoll data of the eventfd in the master set; a sub-poller's is its index
    /** Sub-pollers: as many as the JDK's own on Linux, a power of two up to the processors, at most 32. */
    private static final int SUB_POLLERS = Math.min(Integer.highestOneBit(Runtime.getRuntime().availableProcessors()), 32);
    private static final int PAGE_BITS = 10;
    private static final int PAGE_SIZE = 1 << PAGE_BITS;
    private static final int PAGES = 1 << 11; // descriptors below 2^21, above Linux's default nr_open of 2^20
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private static final AtomicReference<LinuxPoller> CURRENT = new AtomicReference<>();
    private static final ReentrantLock STARTING = new ReentrantLock(); // only when no poller runs
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final AtomicInteger GENERATIONS = new AtomicInteger();

    private final int epfd; // the master set: the eventfd, the sub-pollers' sets, the sockets platform threads park on
    private final int wakeFd;
    private final Arena arena = Arena.ofAuto();
    private final LinuxSys.Errno errno = new LinuxSys.Errno(arena); // the poller thread's
    private final LinuxSys.Errno stopErrno = new LinuxSys.Errno(arena);
    private final MemorySegment events = arena.allocate(LinuxSys.EPOLL_EVENT_BYTES * MAX_EVENTS, 8);
    private final SubPoller[] subs;
    private final MemorySegment wakeOne = arena.allocate(JAVA_LONG); // 1, what release() writes
    private final AtomicReferenceArray<AtomicReferenceArray<LinuxSocket>> pages = new AtomicReferenceArray<>(PAGES);
    private final AtomicInteger users = new AtomicInteger(1); // 0: stopping, for good
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Throwable failure;

    private LinuxPoller(int epfd, int wakeFd, int[] subEpfds) {
        this.epfd = epfd;
        this.wakeFd = wakeFd;
        int n = THREADS.incrementAndGet();
        // A daemon that inherits nothing from whichever thread happened to start it: it holds
        // nothing a JVM exit could lose, and keeps nothing of its starter alive.
        this.thread = Thread.ofPlatform()
                .name("pipelab-native-poller-" + n)
                .daemon(true)
                .inheritInheritableThreadLocals(false)
                .unstarted(this::pollLoop);
        this.subs = new SubPoller[subEpfds.length];
        for (int i = 0; i < subs.length; i++) {
            subs[i] = new SubPoller(i, subEpfds[i], "pipelab-native-subpoller-" + n + "-" + i);
        }
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
        List<Integer> opened = new ArrayList<>(); // closed again if the start fails
        try (Arena setup = Arena.ofConfined()) {
            LinuxSys.Errno e = new LinuxSys.Errno(setup);
            int epfd = opened(opened, LinuxSys.epollCreate1(e, LinuxSys.EPOLL_CLOEXEC), e, "epoll_create1");
            int wakeFd = opened(opened, LinuxSys.eventfd(e, 0, LinuxSys.EFD_NONBLOCK | LinuxSys.EFD_CLOEXEC), e, "eventfd");
            MemorySegment event = setup.allocate(LinuxSys.EPOLL_EVENT);
            LinuxSys.epollAdd(e, epfd, wakeFd, LinuxSys.EPOLLIN, WAKE, event);
            int[] subEpfds = new int[SUB_POLLERS];
            for (int i = 0; i < subEpfds.length; i++) {
                subEpfds[i] = opened(opened, LinuxSys.epollCreate1(e, LinuxSys.EPOLL_CLOEXEC), e, "epoll_create1");
                LinuxSys.epollAdd(e, epfd, subEpfds[i], SubPoller.ARMED, i, event);
            }
            LinuxPoller poller = new LinuxPoller(epfd, wakeFd, subEpfds);
            poller.thread.start();
            for (SubPoller sub : poller.subs) {
                sub.thread.start();
            }
            return poller;
        } catch (IOException | RuntimeException | Error failed) {
            try (Arena a = Arena.ofConfined()) {
                LinuxSys.Errno e = new LinuxSys.Errno(a);
                opened.forEach(fd -> LinuxSys.close(e, fd));
            }
            throw failed;
        }
    }

    /** {@code fd} as a system call returned it: kept in {@code opened}, or the failure named. */
    private static int opened(List<Integer> opened, int fd, LinuxSys.Errno e, String call) throws IOException {
        if (fd < 0) {
            throw new IOException(e.describe(call));
        }
        opened.add(fd);
        return fd;
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
        if (joinUntil(thread, System.nanoTime() + STOP_WAIT.toNanos())) {
            Thread.currentThread().interrupt();
        }
        if (failure != null && !thread.isAlive()) {
            shutDown(stopErrno); // it ended by failing, before it could read the wake
        }
    }

    /** No socket is left: the sub-pollers end and are joined, then every descriptor closes. */
    private void shutDown(LinuxSys.Errno e) {
        stopping = true;
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        boolean interrupted = false;
        for (SubPoller sub : subs) {
            LockSupport.unpark(sub.thread);
            interrupted |= joinUntil(sub.thread, deadline);
            if (!sub.thread.isAlive()) {
                LinuxSys.close(e, sub.epfd); // a sub-poller still running keeps its set, and the process nothing worse
            }
        }
        LinuxSys.close(e, wakeFd);
        LinuxSys.close(e, epfd);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Joins {@code t} until {@code deadline} (System.nanoTime), warning if it is still alive then.
     * An interrupt does not cut the wait short (the threaded engine interrupts its acceptor as it
     * stops); it is returned, for the caller to restore.
     */
    private static boolean joinUntil(Thread t, long deadline) {
        boolean interrupted = false;
        while (t.isAlive()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                log.warn("{} did not stop within {}", t.getName(), STOP_WAIT);
                break;
            }
            try {
                t.join(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return interrupted;
    }

    /** A generation for a new socket, which tells its events from those of an earlier socket on the same descriptor. */
    static int nextGeneration() {
        return GENERATIONS.incrementAndGet();
    }

    /**
     * Adds {@code socket} to the table and to the epoll set, with {@code interest} (EPOLLET
     * included); {@code event} and {@code e} are the caller's.
     */
    /**
     * Adds {@code socket} to the table and to an epoll set, with {@code interest} (EPOLLET
     * included); {@code event} and {@code e} are the caller's. A socket whose first parked waiter
     * is a virtual thread joins the set of the sub-poller its descriptor falls to; one a platform
     * thread waits on first (an accept, a client's end) joins the master's set, so that its wakes
     * take one hand-off, not two through a sub-poller that needs a carrier.
     *
     * @return the set it joined, for {@link #modify}
     */
    int register(LinuxSocket socket, int interest, MemorySegment event, LinuxSys.Errno e) throws IOException {
        int fd = socket.fd();
        int set = Thread.currentThread().isVirtual() ? subs[fd & (subs.length - 1)].epfd : epfd;
        AtomicReferenceArray<LinuxSocket> page = page(fd);
        page.set(fd & (PAGE_SIZE - 1), socket);
        if (control(set, socket, LinuxSys.EPOLL_CTL_ADD, interest, event, e) < 0) {
            page.compareAndSet(fd & (PAGE_SIZE - 1), socket, null);
            throw new IOException(e.describe("epoll_ctl(EPOLL_CTL_ADD, " + fd + ")"));
        }
        return set;
    }

    /** Changes the interest of {@code socket}, registered in {@code set} already, to {@code interest} (EPOLLET included). */
    void modify(int set, LinuxSocket socket, int interest, MemorySegment event, LinuxSys.Errno e) throws IOException {
        if (control(set, socket, LinuxSys.EPOLL_CTL_MOD, interest, event, e) < 0) {
            throw new IOException(e.describe("epoll_ctl(EPOLL_CTL_MOD, " + socket.fd() + ")"));
        }
    }

    /** epoll_ctl of {@code socket} in {@code set}, with its epoll data: generation and descriptor. */
    private static int control(int set, LinuxSocket socket, int op, int interest, MemorySegment event, LinuxSys.Errno e) {
        event.set(JAVA_INT, 0, interest);
        event.set(JAVA_LONG_UNALIGNED, LinuxSys.EPOLL_EVENT_DATA, ((long) socket.generation() << 32) | socket.fd());
        return LinuxSys.epollCtl(e, set, op, socket.fd(), event);
    }

    /** Takes {@code socket} out of the table, before its descriptor is closed (which takes it out of the epoll set). */
    void forget(LinuxSocket socket) {
        int fd = socket.fd();
        AtomicReferenceArray<LinuxSocket> page = pages.get(fd >>> PAGE_BITS);
        if (page != null) {
            page.compareAndSet(fd & (PAGE_SIZE - 1), socket, null);
        }
    }

    /** Its threads: the master first, then the sub-pollers. */
    List<Thread> threads() {
        List<Thread> all = new ArrayList<>();
        all.add(thread);
        for (SubPoller sub : subs) {
            all.add(sub.thread);
        }
        return all;
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

    /**
     * The master: waits for the sub-pollers' sets, the eventfd and the sockets platform threads
     * park on; wakes the sub-poller whose set has events, and a socket's waiters itself.
     */
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
                    long at = i * LinuxSys.EPOLL_EVENT_BYTES;
                    long data = events.get(JAVA_LONG_UNALIGNED, at + LinuxSys.EPOLL_EVENT_DATA);
                    if (data == WAKE) {
                        stopped |= stopping; // only release() writes to the eventfd, once
                    } else if (data >= 0 && data < subs.length) {
                        subs[(int) data].eventsCame(); // a socket's data is never this small: its generation is above 0
                    } else {
                        dispatch(events, at);
                    }
                }
            }
        } catch (Throwable t) {
            failed(t, thread);
        }
        if (stopped) {
            shutDown(errno); // no socket is left, and release() wrote its wake
        }
    }

    /** Every parked thread must hear of it, or it would wait for an edge that never comes. */
    private void failed(Throwable t, Thread in) {
        failure = t;
        log.error("{} failed; the sockets it served fail", in.getName(), t);
        wakeAll();
        stopping = true; // no sub-poller waits for a master that may be gone; the last release closes the rest
        for (SubPoller sub : subs) {
            LockSupport.unpark(sub.thread);
        }
    }

    /** Hands the event at {@code at} of {@code events} to its socket. */
    private void dispatch(MemorySegment events, long at) {
        long data = events.get(JAVA_LONG_UNALIGNED, at + LinuxSys.EPOLL_EVENT_DATA);
        int fd = (int) data;
        AtomicReferenceArray<LinuxSocket> page = pages.get(fd >>> PAGE_BITS);
        LinuxSocket socket = page == null ? null : page.get(fd & (PAGE_SIZE - 1));
        if (socket != null && socket.generation() == (int) (data >>> 32)) {
            socket.ready(events.get(JAVA_INT, at));
        }
    }

    /**
     * A sub-poller: an epoll set of its own, holding the sockets whose descriptors fall to it,
     * drained by a virtual thread, as the JDK's own sub-pollers are. Under load it polls without
     * waiting and yields between polls, so the threads it unparks are virtual threads woken by a
     * virtual thread, which the scheduler runs from the same carrier's queue; with nothing to
     * report it arms its set in the master set (one-shot) and parks until the master thread
     * unparks it. Measured on the JDK's NIO seam, its virtual-thread pollers take a quarter less
     * CPU per message than platform-thread pollers (docs/NATIVE-SEAM.md).
     */
    private final class SubPoller {
        static final int ARMED = LinuxSys.EPOLLIN | LinuxSys.EPOLLONESHOT;

        final int epfd;
        final Thread thread;
        private final LinuxSys.Errno errno = new LinuxSys.Errno(arena); // its thread's
        private final MemorySegment events = arena.allocate(LinuxSys.EPOLL_EVENT_BYTES * MAX_EVENTS, 8);
        private final MemorySegment arming = arena.allocate(LinuxSys.EPOLL_EVENT);
        private volatile int edges; // bumped by the master thread only

        SubPoller(int index, int epfd, String name) {
            this.epfd = epfd;
            arming.set(JAVA_INT, 0, ARMED);
            arming.set(JAVA_LONG_UNALIGNED, LinuxSys.EPOLL_EVENT_DATA, index);
            this.thread = Thread.ofVirtual().name(name).inheritInheritableThreadLocals(false).unstarted(this::loop);
        }

        private void loop() {
            try {
                while (!stopping) {
                    int seen = edges;
                    int n = LinuxSys.epollWait(errno, epfd, events, MAX_EVENTS, 0);
                    if (n < 0) {
                        if (errno.value() == LinuxSys.EINTR) {
                            continue;
                        }
                        throw new IOException(errno.describe("epoll_wait"));
                    }
                    for (int i = 0; i < n; i++) {
                        dispatch(events, i * LinuxSys.EPOLL_EVENT_BYTES);
                    }
                    if (n > 0) {
                        Thread.yield(); // the woken threads run; then look again
                        continue;
                    }
                    // Nothing: the master reports the next event. Arming checks the set at once,
                    // so an event since the poll is reported, and counted after "seen".
                    if (LinuxSys.epollCtl(errno, LinuxPoller.this.epfd, LinuxSys.EPOLL_CTL_MOD, epfd, arming) < 0) {
                        throw new IOException(errno.describe("epoll_ctl(EPOLL_CTL_MOD, " + epfd + ")"));
                    }
                    while (edges == seen && !stopping) {
                        LockSupport.park(this);
                    }
                }
            } catch (Throwable t) {
                failed(t, thread);
            }
        }

        /** The master thread: this set has events (and is disarmed until the next park). */
        void eventsCame() {
            edges++;
            LockSupport.unpark(thread);
        }
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
