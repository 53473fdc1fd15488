package dev.pipelab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pipelab.report.ComparisonReport;
import dev.pipelab.report.Results;
import dev.pipelab.report.RunResult;
import dev.pipelab.spi.os.PipeSystem;
import dev.pipelab.spi.os.PipeSystemProvider;
import dev.pipelab.spi.os.PipeSystems;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Tiny {@code pipelab compare} runs end to end: engines in their own JVMs, short workloads, every
 * file. The tests about other things run on the preferred seam alone ({@code --seam}); the seams'
 * rows have tests of their own.
 */
@Timeout(180)
class CompareCommandTest {

    /** The seam this machine prefers (native on Linux with JDK 22+, else nio). */
    private static final String PREFERRED = PipeSystems.select().name();

    @TempDir
    Path dir;

    @Test
    void eachFurtherSeamAddsARowOfEachEngineNamingItsSeam() throws Exception {
        PipeSystemProvider nativeSeam = PipeSystems.named("native");
        assumeTrue(
                nativeSeam.isAvailable(),
                () -> "needs two seams that can run here: "
                        + nativeSeam.unavailabilityCause().orElseThrow());
        String out = tinyComparison(
                "--engines", "threaded,overlapped", "--no-reference", "--workloads", "echo-c10-64B-pingpong");

        assertThat(out).contains("seams native, nio");
        Results results = Results.read(dir.resolve(ComparisonReport.JSON));
        assertThat(results.servers()).containsExactly("threaded", "threaded-native", "overlapped", "overlapped-nio");
        assertThat(results.runs())
                .as("by default every seam that can run here, each engine's plain row on the seam its style"
                        + " prefers, as serve picks it")
                .extracting(r -> r.engine() + " " + r.seam())
                .containsExactly("threaded nio", "threaded-native native", "overlapped native", "overlapped-nio nio");
        assertThat(results.runs()).allSatisfy(r -> {
            assertThat(r.errors()).as("%s", r.errorSamples()).isZero();
            assertThat(r.windows())
                    .singleElement()
                    .satisfies(w -> assertThat(w.messages()).isPositive());
        });
        assertThat(Files.readString(dir.resolve(ComparisonReport.MARKDOWN)))
                .contains(
                        "| overlapped | native | ",
                        "| overlapped-nio | nio | ",
                        "| threaded | nio | ",
                        "| threaded-native | native | ")
                .contains("seam: the OS seam the engine ran on");
        assertThat(Files.readString(dir.resolve(ComparisonReport.HTML)))
                .contains("<td>overlapped-nio</td><td>nio</td>");
        assertThat(Files.readString(dir.resolve(ComparisonReport.CSV)).lines())
                .first()
                .asString()
                .startsWith("server,seam,workload,");
        assertThat(Files.readString(dir.resolve(ComparisonReport.CSV)).lines())
                .anyMatch(l -> l.startsWith("overlapped,native,echo-c10-64B-pingpong,"))
                .anyMatch(l -> l.startsWith("overlapped-nio,nio,echo-c10-64B-pingpong,"));
    }

    @Test
    void theSeamsNamedComeInTheOrderGivenTheFirstKeepingThePlainKeys() throws Exception {
        PipeSystemProvider nativeSeam = PipeSystems.named("native");
        assumeTrue(
                nativeSeam.isAvailable(),
                () -> "needs two seams that can run here: "
                        + nativeSeam.unavailabilityCause().orElseThrow());
        tinyComparison(
                "--seams",
                "unix,native,nio", // unix is nio's older name: one row for it, not two
                "--engines",
                "completion",
                "--no-reference",
                "--workloads",
                "echo-c4-64B-pingpong");

        assertThat(Results.read(dir.resolve(ComparisonReport.JSON)).runs())
                .extracting(r -> r.engine() + " " + r.seam() + " " + r.errors())
                .containsExactly("completion nio 0", "completion-native native 0");
    }

    /**
     * Where the native seam cannot run (a JDK before 22, say: here a stand-in for it, with nio
     * real), the engines run once, on nio, under their plain keys; no {@code -nio} row repeats
     * them, and each table says which row is missing and why.
     */
    @Test
    void whereTheNativeSeamCannotRunTheEnginesRunOnceOnNioAndTheReportSaysWhy() throws Exception {
        PipeSystemProvider nio = PipeSystems.named("nio");
        assumeTrue(
                nio.isAvailable(),
                () -> "needs the nio seam: " + nio.unavailabilityCause().orElseThrow());
        String cause = "needs JDK 22+ (java.lang.foreign); this is JDK 21 (a stand-in)";
        PipeSystemProvider cannotRun = new PipeSystemProvider() {
            @Override
            public String name() {
                return "native";
            }

            @Override
            public int preference() {
                return 10; // preferred, if it could run
            }

            @Override
            public Optional<String> unavailabilityCause() {
                return Optional.of(cause);
            }

            @Override
            public PipeSystem pipeSystem() {
                throw new UnsupportedOperationException(cause);
            }
        };
        CompareCommand compare = new CompareCommand();
        compare.seamsOnClassPath = () -> List.of(cannotRun, nio);
        compare.environment = Map.of();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(compare);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(
                tiny("--engines", "overlapped,virtual", "--no-reference", "--workloads", "echo-c4-64B-pingpong"));

        assertThat(exit).as("out: %s%nerr: %s", out, err).isZero();
        assertThat(out.toString()).contains("seams nio").contains("seam native: n/a: " + cause);
        Results results = Results.read(dir.resolve(ComparisonReport.JSON));
        assertThat(results.runs())
                .extracting(r -> r.engine() + " " + r.seam() + " " + r.errors())
                .containsExactly("overlapped nio 0", "virtual nio 0");
        assertThat(results.missing())
                .containsEntry("overlapped-native", "the native seam cannot run here: " + cause)
                .containsEntry("virtual-native", "the native seam cannot run here: " + cause)
                .as("only the engines compared, and no second row on the seam that ran")
                .doesNotContainKeys("completion-native", "overlapped-nio");
        assertThat(Files.readString(dir.resolve(ComparisonReport.MARKDOWN)))
                .contains("* overlapped-native: n/a: the native seam cannot run here: " + cause)
                .contains("* virtual-native: n/a: the native seam cannot run here: " + cause)
                .doesNotContain("overlapped-nio");
    }

    @Test
    void aSeamEnvironmentVariableNamingNoSeamIsAUsageError() {
        CompareCommand compare = new CompareCommand();
        compare.environment = Map.of(SeamChoice.ENV, "epoll");
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(compare);
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("unknown seam 'epoll'");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aTinyComparisonWritesEveryFileWithBothEnginesRows() throws Exception {
        tinyComparison(
                "--seam",
                PREFERRED,
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
                .anyMatch(l -> l.startsWith("overlapped," + PREFERRED + ",echo-c10-64B-pingpong"))
                .anyMatch(l -> l.startsWith("virtual," + PREFERRED + ",echo-c10-64B-pingpong"));
    }

    @Test
    void aTinyBroadcastChecksTheOrderOnBothEnginesAndLeavesTheReferenceOut() throws Exception {
        tinyComparison("--seam", PREFERRED, "--engines", "overlapped,threaded", "--workloads", "broadcast-p4");

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
                "--seam",
                PREFERRED,
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
        command.addAll(List.of(tiny(args)));
        int exit = PipeLabCommand.run(
                command.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(exit).as("out: %s%nerr: %s", out, err).isZero();
        return out.toString();
    }

    /** {@code args} of {@code compare} with the tiny timing and {@link #dir} for the report. */
    private String[] tiny(String... args) {
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(
                List.of("--warmup-ms", "200", "--window-ms", "300", "--repetitions", "1", "--out", dir.toString()));
        return command.toArray(String[]::new);
    }
}
