package dev.pipelab.os.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a wait costs when many sockets hold bytes a loop has not read yet (a loop that reads only
 * part of what came, or that has not reached them yet): one {@code epoll_wait(timeout 0)} over
 * {@code sockets} readable sockets.
 * <ul>
 *   <li>{@code levelTriggered}: every call reports every one of them again, and the kernel polls
 *       each socket to find that out: the cost grows with the sockets that stay ready;
 *   <li>{@code edgeTriggered}: they were reported once, when their bytes came (in the set-up);
 *       no new bytes, no new edge, so the call finds its ready list empty;
 *   <li>{@code nioSelectNow}: the JDK's Selector over the same number of NIO channels, which is
 *       level-triggered epoll plus the selector's own bookkeeping of the selected keys.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class EpollWaitBenchmark {

    @Param({"10", "100", "1000"})
    public int sockets;

    private Arena arena;
    private LinuxSys.Errno errno;
    private int[][] pairs;
    private int level;
    private int edge;
    private MemorySegment events;
    private SocketChannel[][] channels;
    private Selector selector;

    @Setup(Level.Trial)
    public void open() throws IOException {
        arena = Arena.ofConfined();
        errno = new LinuxSys.Errno(arena);
        events = arena.allocate(LinuxSys.EPOLL_EVENT_BYTES * sockets, 8);
        level = LinuxSys.epollCreate1(errno, LinuxSys.EPOLL_CLOEXEC);
        edge = LinuxSys.epollCreate1(errno, LinuxSys.EPOLL_CLOEXEC);
        MemorySegment event = arena.allocate(LinuxSys.EPOLL_EVENT);
        MemorySegment oneByte = arena.allocate(1);
        oneByte.set(JAVA_BYTE, 0, (byte) 1);
        pairs = new int[sockets][];
        for (int i = 0; i < sockets; i++) {
            pairs[i] = SocketPairs.descriptors();
            LinuxSys.send(errno, pairs[i][1], oneByte, 1, LinuxSys.MSG_NOSIGNAL); // pairs[i][0] is readable from now on
            event.set(JAVA_LONG_UNALIGNED, LinuxSys.EPOLL_EVENT_DATA, i);
            event.set(JAVA_INT, 0, LinuxSys.EPOLLIN);
            check(LinuxSys.epollCtl(errno, level, LinuxSys.EPOLL_CTL_ADD, pairs[i][0], event), "epoll_ctl");
            event.set(JAVA_INT, 0, LinuxSys.EPOLLIN | LinuxSys.EPOLLET);
            check(LinuxSys.epollCtl(errno, edge, LinuxSys.EPOLL_CTL_ADD, pairs[i][0], event), "epoll_ctl");
        }
        check(LinuxSys.epollWait(errno, edge, events, sockets, 0) == sockets ? 0 : -1, "the first edge-triggered wait");

        selector = Selector.open();
        channels = new SocketChannel[sockets][];
        for (int i = 0; i < sockets; i++) {
            channels[i] = SocketPairs.channels();
            channels[i][1].write(ByteBuffer.wrap(new byte[] {1}));
            channels[i][0].register(selector, SelectionKey.OP_READ);
        }
    }

    private void check(int rc, String call) {
        if (rc < 0) {
            throw new IllegalStateException(errno.describe(call));
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        for (int[] pair : pairs) {
            SocketPairs.close(pair);
        }
        SocketPairs.close(level, edge);
        arena.close();
        selector.close();
        for (SocketChannel[] pair : channels) {
            pair[0].close();
            pair[1].close();
        }
    }

    @Benchmark
    public int levelTriggered() {
        return LinuxSys.epollWait(errno, level, events, sockets, 0);
    }

    @Benchmark
    public int edgeTriggered() {
        return LinuxSys.epollWait(errno, edge, events, sockets, 0);
    }

    @Benchmark
    public int nioSelectNow() throws IOException {
        int n = selector.selectNow();
        selector.selectedKeys().clear(); // as a loop does once it has handled them
        return n;
    }
}
