package dev.pipelab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelab.api.PipeAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code compare} chooses where this system's pipes are not AF_UNIX sockets (Windows),
 * told so here rather than detected: the driver, the servers' endpoints, the Netty row's n/a and
 * its reason, and server metering without {@code /proc}. The Unix choices beside each, unchanged.
 */
class PipesNotAfUnixTest {

    private static final PipeAddress.Kind NOT_AF_UNIX = PipeAddress.Kind.WINDOWS_PIPE;

    @TempDir
    Path dir;

    @Test
    void theThreadsDriverIsTheDefaultWherePipesAreNotSocketsAndTheSelectorCannotReachThem() {
        assertThat(LoadDriver.defaultFor(NOT_AF_UNIX)).isEqualTo(LoadDriver.THREADS);
        assertThat(LoadDriver.defaultFor(PipeAddress.Kind.UNIX_SOCKET)).isEqualTo(LoadDriver.SELECTOR);
        assertThat(LoadDriver.SELECTOR.cannotReach(NOT_AF_UNIX)).contains("AF_UNIX", "--driver threads");
        assertThat(LoadDriver.THREADS.cannotReach(NOT_AF_UNIX)).isNull();
        assertThat(LoadDriver.THREADS.cannotReach(PipeAddress.Kind.UNIX_SOCKET)).isNull();
        assertThatThrownBy(() -> options(LoadDriver.SELECTOR, NOT_AF_UNIX, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use --driver threads");
        assertThatThrownBy(() -> LoadDriver.parse("epoll")).hasMessageContaining("known: selector, threads");
    }

    @Test
    void serversAreAddressedByANameOfTheirOwnPerRunWherePipesAreNotFiles() {
        String first = ServerProcess.endpoint(NOT_AF_UNIX, dir);
        String second = ServerProcess.endpoint(NOT_AF_UNIX, dir);

        assertThat(first).startsWith("pipelab:compare-").isNotEqualTo(second);
        assertThat(PipeAddress.nameIn(first)).as("a valid pipe name").isNotNull();
        assertThat(ServerProcess.endpoint(PipeAddress.Kind.UNIX_SOCKET, dir))
                .isEqualTo(dir.resolve("s.sock").toString());
    }

    @Test
    void theReferenceRowsAreNotApplicableWithTheirReasonsAndNoRunIsAttempted() {
        ComparisonOptions options = options(LoadDriver.THREADS, NOT_AF_UNIX, true);
        Workload echo = Workload.parse("echo-c10-64B-pingpong");

        assertThat(options.servers()).contains(NettyEchoServer.KEY);
        assertThat(options.serversFor(echo)).containsExactly("virtual");
        assertThat(options.runCount()).isEqualTo(2);
        assertThat(options.referenceNotRun()).isEqualTo(NettyEchoServer.cannotRunWhere(NOT_AF_UNIX));
        assertThat(options.referenceNotRun()).contains("Linux-only", "not AF_UNIX");
        assertThat(options(LoadDriver.THREADS, NOT_AF_UNIX, false).referenceNotRun())
                .as("no reference asked for: nothing to explain")
                .isNull();

        Results results = results(options, List.of(run("virtual", echo), run("virtual", Workload.broadcast(3))));
        assertThat(ReportTables.runNotes(results, echo.name()))
                .contains("netty: n/a: Netty's epoll domain sockets are Linux-only, and this system's pipes are not"
                        + " AF_UNIX sockets");
        assertThat(ReportTables.runNotes(results, echo.name()))
                .contains("c-epoll: n/a: the C limit server listens on an AF_UNIX socket, and this system's pipes"
                        + " are not AF_UNIX sockets");
        assertThat(ReportTables.runNotes(results, "broadcast-p3"))
                .contains("netty: n/a: the reference is an echo server");
    }

    @Test
    void onLinuxTheReferencesRunEchoWorkloadsAsBefore() {
        ComparisonOptions options = options(LoadDriver.SELECTOR, PipeAddress.Kind.UNIX_SOCKET, true);

        assertThat(options.referenceNotRun()).isNull();
        assertThat(options.referenceNotRun(CEpollEchoServer.KEY)).isNull();
        assertThat(options.serversFor(Workload.parse("echo-c10-64B-pingpong")))
                .containsExactly("virtual", NettyEchoServer.KEY, CEpollEchoServer.KEY);
    }

    @Test
    void withoutProcTheServersCpuComesFromTheJdkAndMemoryAndThreadsAreNotGuessed() throws Exception {
        long pid = ProcessHandle.current().pid();
        ProcessMeter meter = new ProcessMeter(pid, 100, Files.createDirectory(dir.resolve("no-proc")));
        burnCpu(Duration.ofMillis(50));

        assertThat(meter.readsProc()).isFalse();
        assertThat(meter.cpuSeconds()).as("totalCpuDuration of this JVM").isPositive();
        assertThat(meter.rssKb()).isEqualTo(ProcessMeter.UNKNOWN);
        assertThat(meter.peakRssKb()).isEqualTo(ProcessMeter.UNKNOWN);
        assertThat(meter.threads()).isEqualTo(ProcessMeter.UNKNOWN);

        ProcessMeter.Footprint unknown = new ProcessMeter.Footprint(ProcessMeter.UNKNOWN, -1);
        RunResult r = RunResult.of("virtual", "nio", Workload.idle(10, 1), report(unknown, ProcessMeter.UNKNOWN), null);
        assertThat(r.kbPerConnection()).as("not 0 KiB per connection").isNaN();
        assertThat(r.heapKbPerConnection()).isNaN();
        assertThat(Format.mib(r.peakRssKb())).isEqualTo("n/a");
        assertThat(Format.count(r.peakThreads())).isEqualTo("n/a");
        assertThat(Progress.describe(r)).contains("n/a threads");
    }

    @Test
    void withProcEveryFigureIsRead() {
        ProcessMeter meter = ProcessMeter.of(ProcessHandle.current().pid());

        assertThat(meter.readsProc()).isTrue();
        long rss = meter.rssKb();
        assertThat(rss).isPositive();
        assertThat(meter.peakRssKb()).as("the high-water mark, read after").isGreaterThanOrEqualTo(rss);
        assertThat(meter.threads()).isPositive();
        assertThat(Format.mib(2048)).isEqualTo("2.0");
        assertThat(Format.count(12)).isEqualTo("12");
    }

    private ComparisonOptions options(LoadDriver driver, PipeAddress.Kind pipes, boolean reference) {
        return new ComparisonOptions(
                "pipelab compare",
                List.of("virtual"),
                reference,
                List.of(Workload.parse("echo-c10-64B-pingpong"), Workload.broadcast(3)),
                Duration.ofMillis(100),
                Duration.ofMillis(100),
                1,
                dir,
                driver,
                pipes,
                ComparisonOptions.Seams.only("nio"));
    }

    private static Results results(ComparisonOptions options, List<RunResult> runs) {
        return new Results(
                options.title(),
                "2026-12-02T00:00:00Z",
                new Results.Machine("test", "test", 2, 1024, "test"),
                new Results.Settings(100, 100, 1, options.driver().key(), options.referenceNotRun()),
                options.servers(),
                ComparisonOptions.REFERENCES.stream()
                        .filter(r -> options.referenceNotRun(r) != null)
                        .collect(java.util.stream.Collectors.toMap(r -> r, options::referenceNotRun)),
                List.of(),
                runs);
    }

    private static RunResult run(String engine, Workload workload) {
        ProcessMeter.Footprint footprint = new ProcessMeter.Footprint(100_000, 1000);
        return RunResult.of(
                engine,
                ComparisonOptions.REFERENCES.contains(engine) ? null : "nio",
                workload,
                report(footprint, 20),
                null);
    }

    private static DriverReport report(ProcessMeter.Footprint footprint, long threads) {
        return new DriverReport(
                "w",
                1,
                1,
                0,
                List.of(),
                null,
                footprint,
                footprint,
                footprint.rssKb(),
                threads,
                List.of(new DriverReport.Window(100, 0.1, 0.01, 10, 20, 30, 1, 1, -1)));
    }

    private static void burnCpu(Duration atLeast) {
        long end = System.nanoTime() + atLeast.toNanos();
        long x = 0;
        while (System.nanoTime() < end) {
            x += Long.numberOfTrailingZeros(x + 1);
        }
        assertThat(x).isNotNegative();
    }
}
