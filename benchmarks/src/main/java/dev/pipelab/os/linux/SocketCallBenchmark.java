package dev.pipelab.os.linux;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one message costs the transport, per call: 64 bytes written into one end of a connected
 * AF_UNIX stream pair and read from the other, on one thread, non-blocking (so the kernel's work
 * is the same in each and only the way down to it differs):
 * <ul>
 *   <li>{@code nio}: {@code SocketChannel.write} and {@code read} with direct buffers, the NIO
 *       seam's calls (a lock and several layers each);
 *   <li>{@code ffm}: the native seam's own downcalls, {@code LinuxSys.send} and {@code recv}
 *       (critical, errno captured; sendto and recvfrom through syscall(2));
 *   <li>{@code ffmLibc}: the same downcalls to the C library's {@code send} and {@code recv},
 *       which are cancellation points (what the seam called before);
 *   <li>{@code jna}: JNA direct-mapped {@code send} and {@code recv}, the cheapest way JNA has.
 * </ul>
 * Each operation is one write and one read, so a call costs about half the score.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SocketCallBenchmark {

    static final int BYTES = 64;

    /** JNA's direct mapping of libc's send and recv: native methods bound once, no proxy. */
    static final class JnaLibc {
        static {
            Native.register("c");
        }

        private JnaLibc() {}

        static native long send(int fd, Pointer buf, long len, int flags);

        static native long recv(int fd, Pointer buf, long len, int flags);
    }

    /** The C library's send and recv, linked as the seam links its calls: critical, errno captured. */
    static final class LibcCalls {
        static final MethodHandle SEND = link("send");
        static final MethodHandle RECV = link("recv");

        private LibcCalls() {}

        private static MethodHandle link(String name) {
            Linker linker = Linker.nativeLinker();
            return linker.downcallHandle(
                    linker.defaultLookup().find(name).orElseThrow(),
                    FunctionDescriptor.of(
                            ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_INT,
                            ValueLayout.ADDRESS,
                            ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_INT),
                    Linker.Option.captureCallState("errno"),
                    Linker.Option.critical(true));
        }
    }

    /** A pair of NIO channels and a direct buffer. */
    @State(Scope.Thread)
    public static class Nio {
        SocketChannel[] pair;
        final ByteBuffer out = ByteBuffer.allocateDirect(BYTES);
        final ByteBuffer in = ByteBuffer.allocateDirect(BYTES);

        @Setup(Level.Trial)
        public void open() throws IOException {
            pair = SocketPairs.channels();
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            pair[0].close();
            pair[1].close();
        }
    }

    /** A descriptor pair and native memory, for the FFM and JNA calls. */
    @State(Scope.Thread)
    public static class Descriptors {
        int[] fds;
        Arena arena;
        MemorySegment segment;
        LinuxSys.Errno errno;
        MemorySegment callState; // errno, for the C library's calls
        Memory memory;

        @Setup(Level.Trial)
        public void open() {
            fds = SocketPairs.descriptors();
            arena = Arena.ofConfined();
            segment = arena.allocate(BYTES);
            errno = new LinuxSys.Errno(arena);
            callState = arena.allocate(Linker.Option.captureStateLayout());
            memory = new Memory(BYTES);
        }

        @TearDown(Level.Trial)
        public void close() {
            SocketPairs.close(fds);
            arena.close();
            memory.close();
        }
    }

    @Benchmark
    public int nio(Nio s) throws IOException {
        s.out.clear();
        s.pair[0].write(s.out);
        s.in.clear();
        return s.pair[1].read(s.in);
    }

    @Benchmark
    public long ffm(Descriptors s) {
        LinuxSys.send(s.errno, s.fds[0], s.segment, BYTES, LinuxSys.MSG_NOSIGNAL);
        return LinuxSys.recv(s.errno, s.fds[1], s.segment, BYTES, 0);
    }

    @Benchmark
    public long ffmLibc(Descriptors s) throws Throwable {
        long sent = (long) // as in ffm: the send's result is not looked at
                LibcCalls.SEND.invokeExact(s.callState, s.fds[0], s.segment, (long) BYTES, LinuxSys.MSG_NOSIGNAL);
        return (long) LibcCalls.RECV.invokeExact(s.callState, s.fds[1], s.segment, (long) BYTES, 0);
    }

    @Benchmark
    public long jna(Descriptors s) {
        JnaLibc.send(s.fds[0], s.memory, BYTES, LinuxSys.MSG_NOSIGNAL);
        return JnaLibc.recv(s.fds[1], s.memory, BYTES, 0);
    }
}
