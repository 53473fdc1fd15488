package dev.pipelab.os.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Connected AF_UNIX stream pairs for the benchmarks' set-up, as raw descriptors (for the native
 * and JNA calls) or as NIO channels. Set-up only: nothing here is measured.
 */
final class SocketPairs {

    private static final MethodHandle SOCKETPAIR = Linker.nativeLinker()
            .downcallHandle(
                    Linker.nativeLinker().defaultLookup().find("socketpair").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));

    private SocketPairs() {}

    /** socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC): two connected descriptors. */
    static int[] descriptors() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            int rc = (int) SOCKETPAIR.invokeExact(
                    LinuxSys.AF_UNIX, LinuxSys.SOCK_STREAM | LinuxSys.SOCK_NONBLOCK | LinuxSys.SOCK_CLOEXEC, 0, fds);
            if (rc != 0) {
                throw new IllegalStateException("socketpair failed");
            }
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        } catch (Throwable t) {
            throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
        }
    }

    /** Closes descriptors from {@link #descriptors}. */
    static void close(int... fds) {
        try (Arena arena = Arena.ofConfined()) {
            LinuxSys.Errno errno = new LinuxSys.Errno(arena);
            for (int fd : fds) {
                LinuxSys.close(errno, fd);
            }
        }
    }

    /** Two connected non-blocking NIO channels, through a listening socket in a temporary directory it removes again. */
    static SocketChannel[] channels() throws IOException {
        Path dir = Files.createTempDirectory("pipelab-bench-");
        Path socket = dir.resolve("s.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            SocketChannel accepted = server.accept();
            client.configureBlocking(false);
            accepted.configureBlocking(false);
            return new SocketChannel[] {client, accepted};
        } finally {
            Files.deleteIfExists(socket);
            Files.delete(dir);
        }
    }
}
