package dev.pipelab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.UnixOperatingSystemMXBean;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.handler.EchoHandler;
import dev.pipelab.api.inject.PipeEngines;
import dev.pipelab.report.DriverReport;
import dev.pipelab.report.WorkloadDriver;
import dev.pipelab.spi.diagnostics.ThreadCensus;
import dev.pipelab.spi.os.PipeSystemProvider;
import dev.pipelab.spi.os.PipeSystems;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 10,000 concurrent clients per engine and OS seam (nio, and native where it can run), each
 * exchanging five messages, every reply checked byte for byte: nothing lost, and every thread and
 * socket released after close. The server runs in
 * this JVM, so its threads and descriptors can be counted; the clients run in a driver process
 * of their own, so that each process stays within its open-file limit.
 */
@Tag("load")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TenThousandClientsLoadTest {

    private static final int CLIENTS = 10_000;
    private static final int MESSAGES = 5;
    private static final long WAIT_SECONDS = 180;

    @TempDir
    Path dir;

    /** Every engine on each seam: nio, and native (where it cannot run, its cases skip and say why). */
    static Stream<Arguments> enginesOnEachSeam() {
        return Stream.of("nio", "native")
                .flatMap(seam -> PipeEngines.keys().stream().map(key -> Arguments.of(key, seam)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("enginesOnEachSeam")
    void servesTenThousandClientsAtOnceAndReleasesEverything(String key, String seamName) throws Exception {
        PipeSystemProvider seam = PipeSystems.named(seamName);
        assumeTrue(
                seam.isAvailable(),
                () -> "the " + seamName + " seam cannot run here: "
                        + seam.unavailabilityCause().orElseThrow());
        UnixOperatingSystemMXBean os = (UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        assumeTrue(
                os.getMaxFileDescriptorCount() >= CLIENTS + 2_000,
                "the open-file limit of this process is "
                        + os.getMaxFileDescriptorCount() + ", below the " + (CLIENTS + 2_000) + " this test needs;"
                        + " raise it (ulimit -n) and run again");
        PipeServerConfig config = PipeServerConfig.builder(
                        dir.resolve(key + ".sock").toString())
                .maxInstances(CLIENTS)
                .build();
        long descriptorsBefore = os.getOpenFileDescriptorCount();
        PipeServer server =
                PipeEngines.factory(key, seam).create(config, new EchoHandler()).start();
        DriverReport result;
        try {
            result = drive(server);
        } finally {
            server.close();
        }
        assertThat(result.errors()).as("%s on %s: %s", key, seamName, result).isZero();
        assertThat(result.connected()).isEqualTo(CLIENTS);
        assertThat(result.windows())
                .singleElement()
                .extracting(DriverReport.Window::messages)
                .as("replies verified")
                .isEqualTo((long) CLIENTS * MESSAGES);
        assertThat(server.stats().accepted()).as("%s", server).isEqualTo(CLIENTS);
        assertThat(ThreadCensus.of("pipelab-").all())
                .as("threads left by %s", server)
                .isEmpty();
        assertThat(Files.exists(config.address().path()))
                .as("socket file left by %s", server)
                .isFalse();
        // The JDK may open a few descriptors of its own meanwhile (jars, pollers); 10,000 leaked
        // sockets could not hide in that slack.
        await().atMost(WAIT_SECONDS, TimeUnit.SECONDS)
                .until(os::getOpenFileDescriptorCount, open -> open <= descriptorsBefore + 32);
    }

    /** The report's driver in a process of its own: one window that ends when every client has its replies. */
    private DriverReport drive(PipeServer server) throws Exception {
        Path out = dir.resolve("driver.out");
        Path err = dir.resolve("driver.err");
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "-cp",
                System.getProperty("java.class.path"),
                WorkloadDriver.class.getName(),
                "--pipe",
                server.address().value(),
                "--workload",
                "echo-c" + CLIENTS + "-64B-pingpong",
                "--server-pid",
                Long.toString(ProcessHandle.current().pid()),
                "--requests-per-client",
                Integer.toString(MESSAGES),
                "--warmup-ms",
                "0",
                "--windows",
                "1",
                "--window-ms",
                "90000",
                "--connect-timeout-s",
                "60"));
        Process driver = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            assertThat(driver.waitFor(WAIT_SECONDS, TimeUnit.SECONDS))
                    .as("the driver ended")
                    .isTrue();
        } finally {
            driver.destroyForcibly();
        }
        String errors = Files.readString(err, StandardCharsets.UTF_8);
        String line = Files.readString(out, StandardCharsets.UTF_8)
                .lines()
                .filter(l -> l.startsWith(WorkloadDriver.RESULT_PREFIX))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no result from the driver: " + errors));
        return new ObjectMapper().readValue(line.substring(WorkloadDriver.RESULT_PREFIX.length()), DriverReport.class);
    }
}
