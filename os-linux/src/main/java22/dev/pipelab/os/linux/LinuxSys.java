package dev.pipelab.os.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * Every system call of the native seam, one downcall handle each, and the structs they take,
 * laid out for this machine's ABI (x86-64 or aarch64 Linux). Calls that return at once (recv,
 * send, accept4, shutdown and epoll_ctl on non-blocking descriptors or with MSG_DONTWAIT,
 * epoll_wait with a timeout of 0, the eventfd's read and write) are {@link Linker.Option#critical
 * critical}: no thread-state transition, and recv and send may read and write a Java array
 * directly. A call that can block (epoll_wait with a timeout, a platform thread's recv and send
 * that wait in the kernel) is not, so that the GC can run while it waits. errno is captured by
 * the linker ({@link Linker.Option#captureCallState}) into a segment the caller owns, as the C
 * library sets it for the call, since the JVM may itself make calls that change it before Java
 * code could ask.
 *
 * <p>No sendmsg: a gathered reply is already one run of bytes. An iovec can only point at native
 * memory (a critical call pins a Java array for the call's length only, and only when it is an
 * argument, not inside a struct), and the replies are Java arrays the handler made; so they are
 * copied once anyway (into the instance's outbound buffer, or a blocking socket's gather buffer),
 * and one send of that buffer is all a sendmsg of them would be, one descriptor walk less.
 *
 * <p>Each method returns what the C function returns; -1 means failure, and {@link Errno#value()}
 * then says why. The two calls of every message, recv and send, are the C library's
 * {@code syscall} function with the numbers of recvfrom and sendto rather than its recv and send
 * wrappers, which are cancellation points (see {@link #recv}); everything else goes through the
 * wrapper of its name.
 */
final class LinuxSys {

    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;
    static final int SOCK_NONBLOCK = 0x800; // O_NONBLOCK, the same on x86-64 and aarch64
    static final int SOCK_CLOEXEC = 0x80000; // O_CLOEXEC
    static final int SOL_SOCKET = 1;
    static final int SO_PEERCRED = 17;
    static final int MSG_NOSIGNAL = 0x4000; // EPIPE instead of SIGPIPE when the peer is gone
    static final int MSG_DONTWAIT = 0x40; // this call returns at once (EAGAIN), whatever the descriptor's mode
    static final int EPOLL_CLOEXEC = SOCK_CLOEXEC;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLL_CTL_MOD = 3;
    static final int EPOLLIN = 0x001;
    static final int EPOLLOUT = 0x004;
    static final int EPOLLERR = 0x008;
    static final int EPOLLHUP = 0x010;
    static final int EPOLLRDHUP = 0x2000;
    static final int EPOLLONESHOT = 1 << 30;
    static final int EPOLLET = 1 << 31;
    static final int EFD_NONBLOCK = SOCK_NONBLOCK;
    static final int EFD_CLOEXEC = SOCK_CLOEXEC;
    static final int SHUT_RD = 0;
    static final int SHUT_WR = 1;
    static final int SHUT_RDWR = 2;

    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ENOENT = 2;
    static final int EACCES = 13;
    static final int EPIPE = 32;
    static final int EADDRINUSE = 98;
    static final int ECONNABORTED = 103;
    static final int ECONNRESET = 104;
    static final int ENOTCONN = 107;
    static final int ECONNREFUSED = 111;
    static final int EINPROGRESS = 115;

    /** The architecture this process runs on, as the struct layouts need it. */
    static final boolean X86_64 = isX86(System.getProperty("os.arch", ""));

    /** struct sockaddr_un: sa_family_t, then 108 bytes of path. */
    static final StructLayout SOCKADDR_UN = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sun_family"), MemoryLayout.sequenceLayout(108, JAVA_BYTE).withName("sun_path"));

    /**
     * struct epoll_event: the kernel declares it packed on x86-64 (12 bytes, the data at offset
     * 4), so that 32- and 64-bit processes share it; elsewhere, aarch64 among them, the 64-bit
     * data is aligned (16 bytes, the data at offset 8).
     */
    static final StructLayout EPOLL_EVENT = X86_64
            ? MemoryLayout.structLayout(
                    JAVA_INT.withName("events"), JAVA_LONG.withByteAlignment(4).withName("data"))
            : MemoryLayout.structLayout(
                    JAVA_INT.withName("events"), MemoryLayout.paddingLayout(4), JAVA_LONG.withName("data"));

    static final long EPOLL_EVENT_BYTES = EPOLL_EVENT.byteSize();
    static final long EPOLL_EVENT_DATA = EPOLL_EVENT.byteOffset(PathElement.groupElement("data"));

    /** struct ucred of SO_PEERCRED: pid, uid, gid. */
    static final StructLayout UCRED = MemoryLayout.structLayout(
            JAVA_INT.withName("pid"), JAVA_INT.withName("uid"), JAVA_INT.withName("gid"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURED = Linker.Option.captureStateLayout();
    private static final long ERRNO = CAPTURED.byteOffset(PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");
    private static final Linker.Option CRITICAL = Linker.Option.critical(false);
    private static final Linker.Option CRITICAL_HEAP = Linker.Option.critical(true);

    private static final MethodHandle SOCKET = handle("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle BIND = handle("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle LISTEN = handle("listen", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle ACCEPT4 =
            critical("accept4", false, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    private static final MethodHandle EPOLL_CREATE1 = handle("epoll_create1", JAVA_INT, JAVA_INT);
    private static final MethodHandle EPOLL_CTL =
            critical("epoll_ctl", false, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle EPOLL_WAIT = handle("epoll_wait", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle EPOLL_WAIT_NOW =
            critical("epoll_wait", false, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    /**
     * recvfrom and sendto through syscall(2), not the C library's recv and send: those are
     * cancellation points, and each call of one turns asynchronous cancellation on and off again
     * around the system call, two atomic updates of the thread's cancel state. No JVM thread is
     * ever cancelled, and on the path of a message those were 8 % of the loop's user time at 100
     * clients (the profile in docs/MEASUREMENTS.md). All arguments go as 64-bit words, as
     * syscall passes them to the kernel.
     */
    private static final MethodHandle SYSCALL_6 = syscall6(ERRNO_OPTION, CRITICAL_HEAP);
    /**
     * The same, as an ordinary downcall: for the recv and send of a platform thread that waits in
     * the kernel (a descriptor in blocking mode), so that the GC can run meanwhile. Native memory
     * only: an ordinary call cannot take a Java array.
     */
    private static final MethodHandle SYSCALL_6_WAITING = syscall6(ERRNO_OPTION);
    /** The system call numbers: x86-64's own table, and the generic one aarch64 uses. */
    private static final long SYS_RECVFROM = X86_64 ? 45 : 207;

    private static final long SYS_SENDTO = X86_64 ? 44 : 206;
    private static final MethodHandle GETSOCKOPT =
            handle("getsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle CLOSE = handle("close", JAVA_INT, JAVA_INT);
    private static final MethodHandle EVENTFD = handle("eventfd", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle READ = critical("read", false, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle WRITE = critical("write", false, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle GETPWUID_R =
            handle("getpwuid_r", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
    private static final MethodHandle GETGRGID_R =
            handle("getgrgid_r", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
    private static final MethodHandle SHUTDOWN = critical("shutdown", false, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle CONNECT = handle("connect", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);

    private LinuxSys() {}

    static boolean isX86(String arch) {
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    /** Where one thread's calls leave errno: each thread that makes calls holds its own. */
    static final class Errno {
        private final MemorySegment state;

        Errno(Arena arena) {
            state = arena.allocate(CAPTURED);
        }

        /** errno as the last call through this left it. */
        int value() {
            return state.get(JAVA_INT, ERRNO);
        }

        /** "recv: ECONNRESET (errno 104)", for exception messages. */
        String describe(String call) {
            return call + ": " + name(value()) + " (errno " + value() + ")";
        }
    }

    static String name(int errno) {
        return switch (errno) {
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case 9 -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case 12 -> "ENOMEM";
            case EACCES -> "EACCES";
            case 22 -> "EINVAL";
            case 23 -> "ENFILE";
            case 24 -> "EMFILE";
            case EPIPE -> "EPIPE";
            case EADDRINUSE -> "EADDRINUSE";
            case ECONNABORTED -> "ECONNABORTED";
            case ECONNRESET -> "ECONNRESET";
            case ENOTCONN -> "ENOTCONN";
            case ECONNREFUSED -> "ECONNREFUSED";
            case EINPROGRESS -> "EINPROGRESS";
            case 105 -> "ENOBUFS";
            default -> "errno " + errno;
        };
    }

    private static MethodHandle handle(String name, MemoryLayout result, MemoryLayout... args) {
        return LINKER.downcallHandle(symbol(name), FunctionDescriptor.of(result, args), ERRNO_OPTION);
    }

    private static MethodHandle critical(String name, boolean heap, MemoryLayout result, MemoryLayout... args) {
        return LINKER.downcallHandle(
                symbol(name), FunctionDescriptor.of(result, args), ERRNO_OPTION, heap ? CRITICAL_HEAP : CRITICAL);
    }

    /** syscall(number, fd, buf, len, flags, NULL, NULL): the shape of recvfrom and sendto, every argument a 64-bit word. */
    private static MethodHandle syscall6(Linker.Option... options) {
        Linker.Option[] all = new Linker.Option[options.length + 1];
        all[0] = Linker.Option.firstVariadicArg(1);
        System.arraycopy(options, 0, all, 1, options.length);
        return LINKER.downcallHandle(
                symbol("syscall"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS),
                all);
    }

    private static MemorySegment symbol(String name) {
        return LINKER.defaultLookup()
                .find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("the C library has no " + name));
    }

    /** A sockaddr_un for {@code path}, in {@code arena}; null if the path does not fit sun_path. */
    static MemorySegment sockaddr(Arena arena, String path) {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= 108) {
            return null;
        }
        MemorySegment addr = arena.allocate(SOCKADDR_UN); // zeroed: the path ends with a NUL
        addr.set(JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(bytes, 0, addr, JAVA_BYTE, SOCKADDR_UN.byteOffset(PathElement.groupElement("sun_path")), bytes.length);
        return addr;
    }

    // ---- the calls; each is one downcall

    static int socket(Errno e, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(e.state, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int bind(Errno e, int fd, MemorySegment addr) {
        try {
            return (int) BIND.invokeExact(e.state, fd, addr, (int) addr.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int listen(Errno e, int fd, int backlog) {
        try {
            return (int) LISTEN.invokeExact(e.state, fd, backlog);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** accept4(fd, NULL, NULL, flags). */
    static int accept4(Errno e, int fd, int flags) {
        try {
            return (int) ACCEPT4.invokeExact(e.state, fd, MemorySegment.NULL, MemorySegment.NULL, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int epollCreate1(Errno e, int flags) {
        try {
            return (int) EPOLL_CREATE1.invokeExact(e.state, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int epollCtl(Errno e, int epfd, int op, int fd, MemorySegment event) {
        try {
            return (int) EPOLL_CTL.invokeExact(e.state, epfd, op, fd, event);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** epoll_ctl(EPOLL_CTL_ADD) of {@code fd} with {@code interest} and {@code data}, written into {@code event}; a failure names the call. */
    static void epollAdd(Errno e, int epfd, int fd, int interest, long data, MemorySegment event) throws IOException {
        event.set(JAVA_INT, 0, interest);
        event.set(JAVA_LONG_UNALIGNED, EPOLL_EVENT_DATA, data);
        if (epollCtl(e, epfd, EPOLL_CTL_ADD, fd, event) < 0) {
            throw new IOException(e.describe("epoll_ctl(EPOLL_CTL_ADD, " + fd + ")"));
        }
    }

    /** epoll_wait: a critical call when {@code timeoutMillis} is 0, an ordinary one (it may block) otherwise. */
    static int epollWait(Errno e, int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
        try {
            return timeoutMillis == 0
                    ? (int) EPOLL_WAIT_NOW.invokeExact(e.state, epfd, events, maxEvents, 0)
                    : (int) EPOLL_WAIT.invokeExact(e.state, epfd, events, maxEvents, timeoutMillis);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** recv into {@code buf}, which may be a heap segment: recvfrom(fd, buf, len, flags, NULL, NULL). */
    static long recv(Errno e, int fd, MemorySegment buf, long len, int flags) {
        try {
            return (long) SYSCALL_6.invokeExact(
                    e.state, SYS_RECVFROM, (long) fd, buf, len, (long) flags, MemorySegment.NULL, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** send from {@code buf}, which may be a heap segment: sendto(fd, buf, len, flags, NULL, 0). */
    static long send(Errno e, int fd, MemorySegment buf, long len, int flags) {
        try {
            return (long) SYSCALL_6.invokeExact(
                    e.state, SYS_SENDTO, (long) fd, buf, len, (long) flags, MemorySegment.NULL, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * recv into native {@code buf} that may wait in the kernel: on a descriptor in blocking mode it
     * returns once bytes are there, at the end of the stream, or when the socket is shut down.
     */
    static long recvWaiting(Errno e, int fd, MemorySegment buf, long len) {
        try {
            return (long) SYSCALL_6_WAITING.invokeExact(
                    e.state, SYS_RECVFROM, (long) fd, buf, len, 0L, MemorySegment.NULL, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** send from native {@code buf} that may wait in the kernel for room (a descriptor in blocking mode). */
    static long sendWaiting(Errno e, int fd, MemorySegment buf, long len, int flags) {
        try {
            return (long) SYSCALL_6_WAITING.invokeExact(
                    e.state, SYS_SENDTO, (long) fd, buf, len, (long) flags, MemorySegment.NULL, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** getsockopt(fd, SOL_SOCKET, SO_PEERCRED) into a {@link #UCRED}; len is a socklen_t holding its size. */
    static int peerCredentials(Errno e, int fd, MemorySegment ucred, MemorySegment len) {
        try {
            return (int) GETSOCKOPT.invokeExact(e.state, fd, SOL_SOCKET, SO_PEERCRED, ucred, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int close(Errno e, int fd) {
        try {
            return (int) CLOSE.invokeExact(e.state, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int eventfd(Errno e, int initval, int flags) {
        try {
            return (int) EVENTFD.invokeExact(e.state, initval, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long read(Errno e, int fd, MemorySegment buf, long len) {
        try {
            return (long) READ.invokeExact(e.state, fd, buf, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long write(Errno e, int fd, MemorySegment buf, long len) {
        try {
            return (long) WRITE.invokeExact(e.state, fd, buf, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The name of user {@code uid}, through the C library's user database (NSS), or its number. */
    static String userName(int uid) {
        return entryName(GETPWUID_R, uid);
    }

    /** The name of group {@code gid}, or its number. */
    static String groupName(int gid) {
        return entryName(GETGRGID_R, gid);
    }

    // getpwuid_r and getgrgid_r fill a struct whose first member is the name (char *), whatever its size
    private static String entryName(MethodHandle lookup, int id) {
        try (Arena arena = Arena.ofConfined()) {
            Errno e = new Errno(arena);
            MemorySegment entry = arena.allocate(128, 8); // struct passwd is 48 bytes, struct group 32
            MemorySegment result = arena.allocate(ADDRESS);
            for (long size = 1024; size <= 1 << 20; size *= 4) {
                MemorySegment buf = arena.allocate(size);
                int rc = (int) lookup.invokeExact(e.state, id, entry, buf, size, result);
                if (rc == 34) { // ERANGE: a larger buffer
                    continue;
                }
                MemorySegment found = result.get(ADDRESS, 0);
                if (rc != 0 || found.equals(MemorySegment.NULL)) {
                    return Integer.toUnsignedString(id); // no such entry: the number, as ls shows it
                }
                return entry.get(ADDRESS, 0).reinterpret(Long.MAX_VALUE).getString(0);
            }
            return Integer.toUnsignedString(id);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * shutdown(fd, how): {@link #SHUT_RD}, {@link #SHUT_WR} or {@link #SHUT_RDWR}; it returns at
     * once, and wakes the calls waiting in the kernel on the directions it shuts.
     */
    static int shutdown(Errno e, int fd, int how) {
        try {
            return (int) SHUTDOWN.invokeExact(e.state, fd, how);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** connect(fd, addr) of a non-blocking AF_UNIX socket, which connects at once or fails (EAGAIN: backlog full). */
    static int connect(Errno e, int fd, MemorySegment addr) {
        try {
            return (int) CONNECT.invokeExact(e.state, fd, addr, (int) addr.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException("a downcall threw " + t, t);
    }
}
