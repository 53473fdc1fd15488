package dev.pipelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.report.ComparisonOptions;
import dev.pipelab.report.ComparisonReport;
import dev.pipelab.report.LoadDriver;
import dev.pipelab.report.Progress;
import dev.pipelab.report.Results;
import dev.pipelab.report.RunResult;
import dev.pipelab.report.Workload;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A comparison told that this system's pipes are not AF_UNIX sockets, as on Windows, run here
 * on Linux: the threads driver, each server on a {@code pipelab:compare-<random>} name of its own
 * (mapped here to a socket in the user's pipelab directory, on Windows to a named pipe), stopped
 * by closing its standard input since Windows has no SIGTERM, the Netty row n/a with its reason.
 * Only the seam underneath is Linux's.
 */
@Timeout(180)
class CompareWherePipesAreNotSocketsTest {

    @TempDir
    Path dir;

    @Test
    void everyRunIsCleanOnItsOwnPipeNameStopsGracefullyAndTheReferenceIsNotApplicable() throws Exception {
        Path names = PipeAddress.resolve("pipelab:probe").path().getParent();
        List<String> before = compareSockets(names);
        ComparisonOptions options = new ComparisonOptions(
                "pipelab compare (pipes not AF_UNIX)",
                List.of("overlapped", "virtual"),
                true,
                List.of(Workload.parse("echo-c4-64B-pingpong"), Workload.parse("ledger-c2")),
                Duration.ofMillis(200),
                Duration.ofMillis(300),
                1,
                dir,
                LoadDriver.defaultFor(PipeAddress.Kind.WINDOWS_PIPE),
                PipeAddress.Kind.WINDOWS_PIPE,
                ComparisonOptions.Seams.only("nio")); // what the threads driver over Windows pipes needs is seam-blind
        ByteArrayOutputStream lines = new ByteArrayOutputStream();

        Results results;
        try (Progress progress =
                new Progress.Lines(options.runCount(), new PrintStream(lines, true, StandardCharsets.UTF_8))) {
            results = ComparisonReport.run(options, progress);
        }

        assertThat(results.settings().driver()).isEqualTo("threads");
        assertThat(results.runs())
                .extracting(r -> r.engine() + " " + r.workload())
                .as("no Netty run attempted")
                .containsExactly(
                        "overlapped echo-c4-64B-pingpong",
                        "virtual echo-c4-64B-pingpong",
                        "overlapped ledger-c2",
                        "virtual ledger-c2");
        assertThat(results.runs()).allSatisfy(r -> {
            assertThat(r.errors())
                    .as(
                            "%s on %s (a server that did not stop on its input's end counts here): %s%n%s",
                            r.workload(), r.engine(), r.errorSamples(), lines)
                    .isZero();
            assertThat(r.windows())
                    .singleElement()
                    .satisfies(w -> assertThat(w.messages()).isPositive());
        });
        assertThat(results.runs())
                .filteredOn(r -> r.workload().equals("ledger-c2"))
                .extracting(RunResult::verdict)
                .allSatisfy(v -> assertThat(v).contains("each shown afterwards with its exact fields"));
        assertThat(Files.readString(dir.resolve(ComparisonReport.MARKDOWN)))
                .contains("netty: n/a: Netty's epoll domain sockets are Linux-only, and this system's pipes are not"
                        + " AF_UNIX sockets")
                .contains("c-epoll: n/a: the C limit server listens on an AF_UNIX socket")
                .contains("netty: n/a: the reference is an echo server");
        assertThat(compareSockets(names)).as("each server removed its socket").isEqualTo(before);
    }

    private static List<String> compareSockets(Path names) throws Exception {
        if (!Files.isDirectory(names)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(names)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("compare-"))
                    .sorted()
                    .toList();
        }
    }
}
