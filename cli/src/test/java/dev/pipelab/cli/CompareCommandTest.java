package dev.pipelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelab.report.ComparisonReport;
import dev.pipelab.report.Results;
import dev.pipelab.report.RunResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A tiny {@code pipelab compare} end to end: two engines in their own JVMs, one short workload, every file. */
@Timeout(180)
class CompareCommandTest {

    @TempDir
    Path dir;

    @Test
    void aTinyComparisonWritesEveryFileWithBothEnginesRows() throws Exception {
        tinyComparison(
                "--engines",
                "overlapped,virtual",
                "--no-reference",
                "--workloads",
                "echo-c10-64B-pingpong,idle-k200-c2,ledger-c4");

        Results results = Results.read(dir.resolve(ComparisonReport.JSON));
        assertThat(results.runs())
                .extracting(RunResult::engine)
                .containsExactly("overlapped", "virtual", "overlapped", "virtual", "overlapped", "virtual");
        assertThat(results.runs())
                .filteredOn(r -> r.workload().equals("ledger-c4"))
                .as("the ledger: transfers checked at the end, syncs counted")
                .allSatisfy(r -> {
                    assertThat(r.verdict())
                            .contains("transfers acknowledged, each shown afterwards with its exact fields");
                    assertThat(r.windows())
                            .allSatisfy(w -> assertThat(w.syncs()).isPositive());
                });
        assertThat(results.runs())
                .filteredOn(r -> r.workload().startsWith("idle-"))
                .as("memory per idle client, measured by a full GC's count of live objects")
                .allSatisfy(r -> assertThat(r.heapKbPerConnection()).isFinite().isPositive());
        assertThat(results.runs()).allSatisfy(r -> {
            assertThat(r.errors()).as("%s", r.errorSamples()).isZero();
            assertThat(r.windows())
                    .singleElement()
                    .satisfies(w -> assertThat(w.messages()).isPositive());
        });
        assertThat(Files.readString(dir.resolve(ComparisonReport.HTML))).contains("overlapped", "virtual", "<table");
        assertThat(Files.readString(dir.resolve(ComparisonReport.MARKDOWN))).contains("| overlapped |", "| virtual |");
        assertThat(Files.readString(dir.resolve(ComparisonReport.CSV)).lines())
                .anyMatch(l -> l.startsWith("overlapped,echo-c10-64B-pingpong"))
                .anyMatch(l -> l.startsWith("virtual,echo-c10-64B-pingpong"));
    }

    @Test
    void aTinyBroadcastChecksTheOrderOnBothEnginesAndLeavesTheReferenceOut() throws Exception {
        tinyComparison("--engines", "overlapped,threaded", "--workloads", "broadcast-p4");

        Results results = Results.read(dir.resolve(ComparisonReport.JSON));
        assertThat(results.runs()).extracting(RunResult::engine).containsExactly("overlapped", "threaded");
        assertThat(results.runs()).allSatisfy(r -> {
            assertThat(r.errors()).as("%s", r.errorSamples()).isZero();
            assertThat(r.verdict()).contains("exactly once", "one total order");
            assertThat(r.windows())
                    .singleElement()
                    .satisfies(w -> assertThat(w.messages()).isPositive());
        });
        assertThat(Files.readString(dir.resolve(ComparisonReport.MARKDOWN)))
                .contains(
                        "netty: n/a: the reference is an echo server", "c-epoll: n/a: the reference is an echo server");
    }

    @Test
    void theThreadsDriverRunsEveryKindOfWorkloadWithTheSameChecksAndSaysSoInTheReport() throws Exception {
        String out = tinyComparison(
                "--driver",
                "threads",
                "--engines",
                "completion",
                "--workloads",
                "echo-c10-64B-pingpong,echo-c4-4KiB-pipelined,answer-c4,counter-c4,broadcast-p4,ledger-c4,churn-c3,"
                        + "idle-k100-c2");

        assertThat(out).contains("threads driver");
        Results results = Results.read(dir.resolve(ComparisonReport.JSON));
        assertThat(results.settings().driver()).isEqualTo("threads");
        assertThat(results.runs())
                .filteredOn(
                        r -> !r.engine().equals("c-epoll")) // where a C compiler builds it, it runs the echo rows too
                .extracting(r -> r.engine() + " " + r.workload())
                .containsExactly(
                        "completion echo-c10-64B-pingpong",
                        "netty echo-c10-64B-pingpong",
                        "completion echo-c4-4KiB-pipelined",
                        "netty echo-c4-4KiB-pipelined",
                        "completion answer-c4",
                        "completion counter-c4",
                        "completion broadcast-p4",
                        "completion ledger-c4",
                        "completion churn-c3",
                        "netty churn-c3",
                        "completion idle-k100-c2",
                        "netty idle-k100-c2");
        assertThat(results.runs()).allSatisfy(r -> {
            assertThat(r.errors()).as("%s %s", r.workload(), r.errorSamples()).isZero();
            assertThat(r.windows())
                    .singleElement()
                    .satisfies(w -> assertThat(w.messages()).as(r.workload()).isPositive());
        });
        assertThat(results.runs().stream().map(RunResult::verdict).filter(Objects::nonNull))
                .as("the end-of-run checks of the counter, broadcast and the ledger")
                .anyMatch(v -> v.contains("no update lost"))
                .anyMatch(v -> v.contains("one total order"))
                .anyMatch(v -> v.contains("transfers acknowledged, each shown afterwards with its exact fields"));
        assertThat(Files.readString(dir.resolve(ComparisonReport.HTML)))
                .contains("a driver with a virtual thread per client");
    }

    @Test
    void anUnknownDriverIsAUsageError() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PipeLabCommand.run(
                new String[] {"compare", "--driver", "epoll", "--out", dir.toString()},
                new PrintWriter(out, true),
                new PrintWriter(err, true));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("unknown driver 'epoll'; known: selector, threads");
        assertThat(dir).isEmptyDirectory();
    }

    /**
     * Runs {@code pipelab compare} with {@code args} and a tiny timing (200 ms warm-up, one window
     * of 300 ms) into {@link #dir}; returns its output once it has exited 0.
     */
    private String tinyComparison(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> command = new ArrayList<>(List.of("compare"));
        command.addAll(List.of(args));
        command.addAll(
                List.of("--warmup-ms", "200", "--window-ms", "300", "--repetitions", "1", "--out", dir.toString()));
        int exit = PipeLabCommand.run(
                command.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(exit).as("out: %s%nerr: %s", out, err).isZero();
        return out.toString();
    }
}
