package dev.pipelab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's limit row: the C epoll echo server, built from the jar's source with the machine's compiler. */
class CEpollEchoServerTest {

    private static final Duration READY = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Path built() throws InterruptedException {
        CEpollEchoServer.Build build = CEpollEchoServer.build(dir);
        assumeTrue(build.missing() == null, () -> "no C limit server here: " + build.missing());
        return build.executable();
    }

    @Test
    void itEchoesEveryFrameAsItCameAndStopsCleanlyOnSigterm() throws Exception {
        Path server = built();
        Workload echo = Workload.parse("echo-c1-64B-pingpong");
        try (ServerProcess process =
                ServerProcess.start(CEpollEchoServer.KEY, echo, dir, PipeAddress.Kind.UNIX_SOCKET, server, READY)) {
            try (PipeClient a = PipeClient.connect(process.pipe());
                    PipeClient b = PipeClient.connect(process.pipe())) {
                a.ioTimeout(READY);
                b.ioTimeout(READY);
                assertThat(a.request("hello")).isEqualTo("hello");
                assertThat(b.request(new byte[0])).isEmpty();
                byte[] large = new byte[300_000]; // beyond the server's first buffer: it grows
                Arrays.fill(large, (byte) 'x');
                large[large.length - 1] = 'y';
                assertThat(b.request(large)).isEqualTo(large);
                for (int i = 0; i < 3; i++) { // pipelined: three requests, then their replies in order
                    a.send("m" + i);
                }
                for (int i = 0; i < 3; i++) {
                    assertThat(new String(a.receive(), StandardCharsets.UTF_8)).isEqualTo("m" + i);
                }
            }
            assertThat(process.stop(READY)).as("exit 0 on SIGTERM").isNull();
        }
        assertThat(dir.resolve("s.sock")).as("the socket file is removed").doesNotExist();
    }

    @Test
    void aFrameAboveTheLimitClosesThatClientOnly() throws Exception {
        Path server = built();
        Workload echo = Workload.parse("echo-c1-64B-pingpong");
        try (ServerProcess process = ServerProcess.start(
                        CEpollEchoServer.KEY, echo, dir, PipeAddress.Kind.UNIX_SOCKET, server, READY);
                PipeClient bad = PipeClient.connect(process.pipe());
                PipeClient good = PipeClient.connect(process.pipe())) {
            bad.ioTimeout(READY);
            good.ioTimeout(READY);
            bad.sendRaw(ByteBuffer.wrap(new byte[] {(byte) 0x7f, 0, 0, 0})); // 2 GiB: above 1 MiB
            assertThat(bad.receive()).as("closed, without an error frame").isNull();
            assertThat(good.request("still served")).isEqualTo("still served");
            assertThat(process.stop(READY)).isNull();
        }
    }

    @Test
    void withoutACompilerTheBuildSaysWhyInsteadOfFailing() throws InterruptedException {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "elsewhere the reason is that epoll is Linux's");
        CEpollEchoServer.Build build = CEpollEchoServer.build(dir, "pipelab-no-such-cc");
        assertThat(build.executable()).isNull();
        assertThat(build.missing()).contains("pipelab-no-such-cc");
        assertThat(Files.exists(dir.resolve("epoll_echo"))).isFalse();
    }
}
