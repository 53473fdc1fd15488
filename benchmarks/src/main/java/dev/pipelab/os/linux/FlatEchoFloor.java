package dev.pipelab.os.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * The Java floor under the report's limit row: the C epoll echo server's loop
 * ({@code comparison-report/src/main/resources/dev/pipelab/report/c/epoll_echo.c}) written again
 * in Java, over the native seam's own system calls ({@link LinuxSys}), with nothing of an engine,
 * a session or a handler between the loop and the calls. Not a server to use: a measurement of
 * what the JVM and the foreign-function downcalls alone cost per message, so that an engine's
 * figure can be read against C and against this.
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/pipelab-benchmarks.jar \
 *       dev.pipelab.os.linux.FlatEchoFloor PATH
 * </pre>
 *
 * <p>Prints {@code READY java-floor PATH} once clients can connect; on SIGTERM or SIGINT it
 * stops within a tenth of a second, closes every descriptor, removes PATH and exits 0. As the C
 * server: epoll, edge-triggered, 512 events a wait; a readable client is read until a read comes
 * back short; the whole frames at the front of its buffer go back with one send, straight from
 * it; a send that falls short waits for EPOLLOUT, and the client is not read meanwhile. Unlike
 * it, the buffer does not grow: a frame larger than {@value #BUFFER_BYTES} bytes closes its client.
 * {@code scripts/c-load.sh java-floor N} runs it under the C load generator.
 */
public final class FlatEchoFloor {

    static final int BUFFER_BYTES = 16 * 1024; // the C server's first size
    private static final int EVENTS = 512;
    private static final long LISTENER = -1L;
    private static final int READ_INTEREST = LinuxSys.EPOLLIN | LinuxSys.EPOLLRDHUP | LinuxSys.EPOLLET;
    private static final int STOP_LOOK_MILLIS = 100;

    // Per client, by descriptor: its buffer, and the bytes in it as [sent, framed) whole frames to
    // send and [framed, filled) the start of the next; the arrays grow with the highest descriptor.
    private Arena[] arenas = new Arena[1024];
    private MemorySegment[] buffers = new MemorySegment[1024];
    private int[] filled = new int[1024];
    private int[] sent = new int[1024];
    private int[] framed = new int[1024];
    private boolean[] waitingForRoom = new boolean[1024];

    private final LinuxSys.Errno errno;
    private final MemorySegment ctlEvent;
    private final int epfd;

    private FlatEchoFloor(Arena arena, LinuxSys.Errno errno, int epfd) {
        this.errno = errno;
        this.ctlEvent = arena.allocate(LinuxSys.EPOLL_EVENT);
        this.epfd = epfd;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: FlatEchoFloor PATH");
            System.exit(2);
        }
        Path path = Path.of(args[0]);
        AtomicBoolean stop = new AtomicBoolean();
        for (String signal : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(signal), s -> stop.set(true)); // then exit 0, as the C server does
        }
        serve(path, stop, () -> System.out.println("READY java-floor " + path));
    }

    /**
     * Serves at {@code path} until {@code stop} is set (looked at every tenth of a second), then
     * closes every descriptor and removes {@code path}. {@code ready} runs once clients can connect.
     */
    static void serve(Path path, AtomicBoolean stop, Runnable ready) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            LinuxSys.Errno errno = new LinuxSys.Errno(arena);
            int listenFd = LinuxListenSocket.listen(path, 4096);
            int epfd = LinuxSys.epollCreate1(errno, LinuxSys.EPOLL_CLOEXEC);
            try {
                if (epfd < 0) {
                    throw new IOException(errno.describe("epoll_create1"));
                }
                FlatEchoFloor floor = new FlatEchoFloor(arena, errno, epfd);
                try {
                    LinuxSys.epollAdd(
                            errno, epfd, listenFd, LinuxSys.EPOLLIN | LinuxSys.EPOLLET, LISTENER, floor.ctlEvent);
                    ready.run();
                    floor.loop(listenFd, arena.allocate(LinuxSys.EPOLL_EVENT_BYTES * EVENTS, 8), stop);
                } finally {
                    floor.closeClients();
                }
            } finally {
                if (epfd >= 0) {
                    LinuxSys.close(errno, epfd);
                }
                LinuxSys.close(errno, listenFd);
                Files.deleteIfExists(path);
            }
        }
    }

    private void loop(int listenFd, MemorySegment events, AtomicBoolean stop) throws IOException {
        while (!stop.get()) {
            int n = LinuxSys.epollWait(errno, epfd, events, EVENTS, STOP_LOOK_MILLIS);
            if (n < 0 && errno.value() != LinuxSys.EINTR) {
                throw new IOException(errno.describe("epoll_wait"));
            }
            for (int i = 0; i < n; i++) {
                long at = i * LinuxSys.EPOLL_EVENT_BYTES;
                int reported = events.get(JAVA_INT, at);
                long data = events.get(JAVA_LONG_UNALIGNED, at + LinuxSys.EPOLL_EVENT_DATA);
                if (data == LISTENER) {
                    acceptAll(listenFd);
                } else {
                    int fd = (int) data;
                    if (!served(fd, reported)) {
                        closeClient(fd);
                    }
                }
            }
        }
    }

    private void acceptAll(int listenFd) throws IOException {
        int fd;
        while ((fd = LinuxSys.accept4(errno, listenFd, LinuxSys.SOCK_NONBLOCK | LinuxSys.SOCK_CLOEXEC)) >= 0) {
            if (fd >= buffers.length) {
                grow(fd);
            }
            Arena arena = Arena.ofConfined();
            arenas[fd] = arena;
            buffers[fd] = arena.allocate(BUFFER_BYTES, 64);
            filled[fd] = sent[fd] = framed[fd] = 0;
            waitingForRoom[fd] = false;
            LinuxSys.epollAdd(errno, epfd, fd, READ_INTEREST, fd, ctlEvent);
        }
        if (errno.value() != LinuxSys.EAGAIN && errno.value() != LinuxSys.EINTR) {
            throw new IOException(errno.describe("accept4")); // EMFILE, say: the floor stops, saying why
        }
    }

    /** Serves the events of client {@code fd}; false to close it. */
    private boolean served(int fd, int reported) {
        if (waitingForRoom[fd]) {
            if ((reported & (LinuxSys.EPOLLOUT | LinuxSys.EPOLLERR | LinuxSys.EPOLLHUP)) == 0) {
                return true; // input only: not read while a send waits (what it brought is read after)
            }
            if (!echo(fd)) {
                return false;
            }
            if (waitingForRoom[fd]) {
                return true; // still short of room
            }
        }
        return readable(fd);
    }

    /** Reads what the socket holds, echoing whole frames as they come; false to close. */
    private boolean readable(int fd) {
        MemorySegment buffer = buffers[fd];
        while (!waitingForRoom[fd]) {
            int room = BUFFER_BYTES - filled[fd];
            if (room == 0) {
                if (sent[fd] == 0) {
                    return false; // one frame larger than the buffer
                }
                MemorySegment.copy(buffer, sent[fd], buffer, 0, filled[fd] - sent[fd]);
                filled[fd] -= sent[fd];
                framed[fd] -= sent[fd];
                sent[fd] = 0;
                continue;
            }
            long n = LinuxSys.recv(errno, fd, buffer.asSlice(filled[fd]), room, 0);
            if (n == 0) {
                return false; // the client closed
            }
            if (n < 0) {
                int err = errno.value();
                if (err == LinuxSys.EINTR) {
                    continue;
                }
                return err == LinuxSys.EAGAIN;
            }
            filled[fd] += (int) n;
            if (!echo(fd)) {
                return false;
            }
            if (n < room) {
                return true; // drained: the next bytes raise a new edge
            }
        }
        return true;
    }

    /** Sends the whole frames read so far; false to close. */
    private boolean echo(int fd) {
        MemorySegment buffer = buffers[fd];
        int at = framed[fd];
        while (filled[fd] - at >= 4) {
            int length = (buffer.get(JAVA_BYTE, at) & 0xFF) << 24
                    | (buffer.get(JAVA_BYTE, at + 1) & 0xFF) << 16
                    | (buffer.get(JAVA_BYTE, at + 2) & 0xFF) << 8
                    | (buffer.get(JAVA_BYTE, at + 3) & 0xFF);
            if (length < 0 || length > BUFFER_BYTES - 4) {
                return false; // the reserved bit, or larger than the buffer
            }
            if (filled[fd] - at < 4 + length) {
                break;
            }
            at += 4 + length;
        }
        framed[fd] = at;
        while (sent[fd] < framed[fd]) {
            long n = LinuxSys.send(errno, fd, buffer.asSlice(sent[fd]), framed[fd] - sent[fd], LinuxSys.MSG_NOSIGNAL);
            if (n < 0) {
                int err = errno.value();
                if (err == LinuxSys.EINTR) {
                    continue;
                }
                return err == LinuxSys.EAGAIN && watch(fd, true);
            }
            sent[fd] += (int) n;
        }
        if (waitingForRoom[fd] && !watch(fd, false)) {
            return false;
        }
        if (sent[fd] == filled[fd]) {
            sent[fd] = framed[fd] = filled[fd] = 0;
        }
        return true;
    }

    /** EPOLLOUT in the interest of {@code fd} while a send waits for room, and out of it after. */
    private boolean watch(int fd, boolean forRoom) {
        waitingForRoom[fd] = forRoom;
        ctlEvent.set(JAVA_INT, 0, forRoom ? READ_INTEREST | LinuxSys.EPOLLOUT : READ_INTEREST);
        ctlEvent.set(JAVA_LONG_UNALIGNED, LinuxSys.EPOLL_EVENT_DATA, fd);
        return LinuxSys.epollCtl(errno, epfd, LinuxSys.EPOLL_CTL_MOD, fd, ctlEvent) == 0;
    }

    private void closeClient(int fd) {
        LinuxSys.close(errno, fd); // which takes it out of the epoll set
        arenas[fd].close();
        arenas[fd] = null;
        buffers[fd] = null;
    }

    private void closeClients() {
        for (int fd = 0; fd < arenas.length; fd++) {
            if (arenas[fd] != null) {
                closeClient(fd);
            }
        }
    }

    private void grow(int fd) {
        int size = Math.max(2 * buffers.length, fd + 1);
        arenas = Arrays.copyOf(arenas, size);
        buffers = Arrays.copyOf(buffers, size);
        filled = Arrays.copyOf(filled, size);
        sent = Arrays.copyOf(sent, size);
        framed = Arrays.copyOf(framed, size);
        waitingForRoom = Arrays.copyOf(waitingForRoom, size);
    }
}
