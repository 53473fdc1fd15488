package dev.pipelab.os.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bindings against the C library: the struct layouts as this machine's C headers define them
 * (a tiny C program prints sizeof and offsetof), and the calls the seam relies on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LinuxSysTest {

    @TempDir
    Path dir;

    @Test
    void structLayoutsMatchTheCHeaders() throws Exception {
        Path cc = findCompiler();
        assumeTrue(cc != null, "no C compiler (cc, gcc) on the PATH: the layouts cannot be checked against the headers");
        Path source = dir.resolve("layouts.c");
        Files.writeString(source, """
                #include <stddef.h>
                #include <stdio.h>
                #include <sys/epoll.h>
                #include <sys/socket.h>
                #include <sys/un.h>
                #define P(name, value) printf("%s=%zu\\n", name, (size_t) (value))
                int main(void) {
                    P("sockaddr_un.size", sizeof(struct sockaddr_un));
                    P("sockaddr_un.sun_path", offsetof(struct sockaddr_un, sun_path));
                    P("epoll_event.size", sizeof(struct epoll_event));
                    P("epoll_event.data", offsetof(struct epoll_event, data));
                    P("ucred.size", sizeof(struct ucred));
                    P("ucred.uid", offsetof(struct ucred, uid));
                    P("ucred.gid", offsetof(struct ucred, gid));
                    P("SOCK_NONBLOCK", SOCK_NONBLOCK);
                    P("SOCK_CLOEXEC", SOCK_CLOEXEC);
                    P("SO_PEERCRED", SO_PEERCRED);
                    P("MSG_NOSIGNAL", MSG_NOSIGNAL);
                    P("MSG_DONTWAIT", MSG_DONTWAIT);
                    P("SHUT_RDWR", SHUT_RDWR);
                    P("EPOLLONESHOT", EPOLLONESHOT);
                    P("EPOLLRDHUP", EPOLLRDHUP);
                    P("EPOLLET", (unsigned) EPOLLET);
                    return 0;
                }
                """);
        Path binary = dir.resolve("layouts");
        run(List.of(cc.toString(), "-D_GNU_SOURCE", "-o", binary.toString(), source.toString()));
        Map<String, Long> c = new LinkedHashMap<>();
        for (String line : run(List.of(binary.toString())).split("\n")) {
            String[] kv = line.split("=");
            c.put(kv[0], Long.parseLong(kv[1].strip()));
        }

        Map<String, Long> java = new LinkedHashMap<>();
        java.put("sockaddr_un.size", LinuxSys.SOCKADDR_UN.byteSize());
        java.put("sockaddr_un.sun_path", offset(LinuxSys.SOCKADDR_UN, "sun_path"));
        java.put("epoll_event.size", LinuxSys.EPOLL_EVENT_BYTES);
        java.put("epoll_event.data", LinuxSys.EPOLL_EVENT_DATA);
        java.put("ucred.size", LinuxSys.UCRED.byteSize());
        java.put("ucred.uid", offset(LinuxSys.UCRED, "uid"));
        java.put("ucred.gid", offset(LinuxSys.UCRED, "gid"));
        java.put("SOCK_NONBLOCK", (long) LinuxSys.SOCK_NONBLOCK);
        java.put("SOCK_CLOEXEC", (long) LinuxSys.SOCK_CLOEXEC);
        java.put("SO_PEERCRED", (long) LinuxSys.SO_PEERCRED);
        java.put("MSG_NOSIGNAL", (long) LinuxSys.MSG_NOSIGNAL);
        java.put("MSG_DONTWAIT", (long) LinuxSys.MSG_DONTWAIT);
        java.put("SHUT_RDWR", (long) LinuxSys.SHUT_RDWR);
        java.put("EPOLLONESHOT", (long) LinuxSys.EPOLLONESHOT);
        java.put("EPOLLRDHUP", (long) LinuxSys.EPOLLRDHUP);
        java.put("EPOLLET", Integer.toUnsignedLong(LinuxSys.EPOLLET));

        assertThat(java).as("LinuxSys on %s against the C headers", System.getProperty("os.arch")).isEqualTo(c);
    }

    @Test
    void errnoIsTheCallsOwnAndEagainIsSaidOnAnEmptySocket() throws IOException {
        Path path = dir.resolve("e.sock");
        LinuxListenSocket listener = LinuxListenSocket.bind(path, 8);
        try (Arena arena = Arena.ofConfined()) {
            assertThat(listener.accept()).as("nobody connected: EAGAIN reads as no client").isNull();
            assertThat(listener.isAcceptable()).as("until the next edge").isFalse();
            LinuxSys.Errno errno = new LinuxSys.Errno(arena);
            MemorySegment buf = arena.allocate(16);

            assertThat(LinuxSys.recv(errno, 1 << 30, buf, 16, 0)).isEqualTo(-1);
            assertThat(LinuxSys.name(errno.value())).isEqualTo("EBADF");
        } finally {
            listener.close();
        }
        assertThat(listener.isOpen()).isFalse();
    }

    @Test
    void aUserIdNamesItsUser() {
        assertThat(LinuxSys.userName(0)).isEqualTo("root");
        assertThat(LinuxSys.groupName(0)).isEqualTo("root");
        assertThat(LinuxSys.userName(2_000_000_000)).as("no such user: the number").isEqualTo("2000000000");
    }

    private static long offset(StructLayout layout, String field) {
        return layout.byteOffset(PathElement.groupElement(field));
    }

    private static Path findCompiler() {
        for (String name : List.of("cc", "gcc")) {
            for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
                Path p = Path.of(d, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        assertThat(p.exitValue()).as("%s: %s", command, out).isZero();
        return out;
    }

}
