package dev.pipelab.cli;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.api.inject.PipeEngines;
import dev.pipelab.report.ComparisonOptions;
import dev.pipelab.report.ComparisonReport;
import dev.pipelab.report.LoadDriver;
import dev.pipelab.report.NettyEchoServer;
import dev.pipelab.report.Progress;
import dev.pipelab.report.Results;
import dev.pipelab.report.Workload;
import dev.pipelab.spi.os.PipeSystemProvider;
import dev.pipelab.spi.os.PipeSystems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pipelab compare}: the same workloads on every engine and on Netty, measured side by side. */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the same workloads on every engine, each server in its own JVM and the load in another,",
            "and writes index.html, report.md, results.json and results.csv to --out."
        },
        footer = {
            "",
            "Workload names: echo-c100-64B-pingpong, echo-c1000-4KiB-pipelined, answer-c100, counter-c100, ledger-c100,"
                    + " ledger-c100-per-request,"
                    + " churn-c10, idle-k1000-c10 (see the README). Exits 1 when any run had an error."
        })
final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    static final class Matrix {
        @Option(names = "--quick", description = "The quick matrix (default): a few minutes on 2 cores.")
        boolean quick;

        @Option(names = "--full", description = "Every workload of the report: about half an hour on 2 cores.")
        boolean full;
    }

    @ArgGroup(exclusive = true)
    Matrix matrix = new Matrix();

    @Option(
            names = "--engines",
            split = ",",
            paramLabel = "<key>",
            description = "Engines to compare (default: all four).")
    List<String> engines = new ArrayList<>(ComparisonOptions.ENGINES);

    @Option(
            names = {"--seams", "--seam"},
            split = ",",
            paramLabel = "<name>",
            description = {
                "OS seams to run the engines on, the first preferred (default: $" + SeamChoice.ENV
                        + ", else every seam that can run here, preferred first: native,nio on Linux with JDK 22+,"
                        + " else nio).",
                "Every engine runs under its plain key on the first seam named, or by default on the seam"
                        + " its I/O style prefers (as serve picks it: native for overlapped and completion, nio for"
                        + " threaded and virtual), and again on each other seam as <engine>-<seam> (overlapped-nio,"
                        + " threaded-native). The quick matrix runs those rows only where the references run (echo,"
                        + " churn, idle)."
            })
    List<String> seams;

    Map<String, String> environment = System.getenv();

    /** The seams on the class path, the preferred first; a test stands in others. */
    java.util.function.Supplier<List<PipeSystemProvider>> seamsOnClassPath = PipeSystems::found;

    @Option(
            names = "--workloads",
            split = ",",
            paramLabel = "<name>",
            description = "Workloads to run instead of the matrix's.")
    List<String> workloads;

    @Option(
            names = "--no-reference",
            description = "Leave out the reference rows: Netty, and the C epoll server (the limit; built with the"
                    + " machine's C compiler, $CC or cc).")
    boolean noReference;

    @Option(
            names = "--warmup-ms",
            paramLabel = "N",
            description =
                    "Warm-up before measuring (default 2500): long enough for the JIT. G1's young generation grows"
                            + " for longer (some 20 s at 10,000 clients); a 20000 ms warm-up measured no different"
                            + " (docs/MEASUREMENTS.md).")
    long warmupMillis = 2500;

    @Option(names = "--window-ms", paramLabel = "N", description = "Length of each measured repetition (default 1500).")
    long windowMillis = 1500;

    @Option(names = "--repetitions", paramLabel = "N", description = "Measured repetitions per run (default 3).")
    int repetitions = 3;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the report.")
    Path out;

    @Option(
            names = "--driver",
            paramLabel = "selector|threads",
            description = {
                "The load driver. selector (the default where pipes are AF_UNIX sockets: Linux, macOS): every"
                        + " client on one thread and one Selector, cheap beside the server; what the report has always"
                        + " measured.",
                "threads (the default elsewhere, that is on Windows): a virtual thread per client over the OS"
                        + " seam's client end; heavier itself, so its msg/s are lower and comparable only with"
                        + " other threads runs."
            })
    String driver;

    /**
     * The seams to run on: {@code --seams}, else {@value SeamChoice#ENV}, else the system property
     * {@value PipeSystems#SEAM_PROPERTY}, each of which must be
     * able to run here; else every seam that can, preferred first, noting the ones that would have
     * been preferred to those but cannot run here. Null when no seam can run here at all.
     */
    private ComparisonOptions.Seams seamRows(boolean everyWorkload) {
        String env = environment.get(SeamChoice.ENV);
        String property = System.getProperty(PipeSystems.SEAM_PROPERTY, "");
        List<String> named = seams != null
                ? seams
                : env != null && !env.isBlank()
                        ? List.of(env.split(","))
                        : !property.isBlank() ? List.of(property) : null;
        List<PipeSystemProvider> found = seamsOnClassPath.get();
        if (named != null) {
            List<String> names = named.stream()
                    .map(String::strip)
                    .map(n -> SeamChoice.named(found, n).name()) // "unix" is nio's older name: one row, not two
                    .distinct()
                    .toList();
            return new ComparisonOptions.Seams(names, Map.of(), everyWorkload);
        }
        List<PipeSystemProvider> runnable = SeamChoice.runnable(found);
        if (runnable.isEmpty()) {
            return null;
        }
        Map<String, String> cannotRun = new TreeMap<>();
        for (PipeSystemProvider p : found) {
            if (!p.isAvailable() && p.preference() > runnable.get(0).preference()) {
                cannotRun.put(p.name(), p.unavailabilityCause().orElseThrow());
            }
        }
        // Each engine's plain row on the seam its I/O style prefers, as serve picks it for that engine.
        Map<String, String> preferredByEngine = new TreeMap<>();
        for (String engine : engines) {
            PipeEngines.ioStyle(engine)
                    .ifPresent(style -> preferredByEngine.put(
                            engine, PipeSystems.select(runnable, style).name()));
        }
        return new ComparisonOptions.Seams(
                runnable.stream().map(PipeSystemProvider::name).toList(), cannotRun, everyWorkload, preferredByEngine);
    }

    @Override
    public Integer call() throws Exception {
        for (String e : engines) {
            if (!ComparisonOptions.ENGINES.contains(e)) {
                throw new ParameterException(
                        spec.commandLine(),
                        "unknown engine '" + e + "'; known: " + String.join(", ", ComparisonOptions.ENGINES));
            }
        }
        ComparisonOptions.Seams seamRows;
        try {
            seamRows = seamRows(matrix.full || workloads != null);
        } catch (SeamChoice.UnknownSeamException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (SeamChoice.UnavailableSeamException e) {
            spec.commandLine().getErr().printf("pipelab compare: %s%n", e.getMessage());
            return 1;
        }
        // Where no seam can run (no seam for this OS), each engine says why on the automatic choice's terms.
        PipeSystemProvider preferred = seamRows == null
                ? PipeSystems.select(seamsOnClassPath.get())
                : PipeSystems.select(seamsOnClassPath.get(), seamRows.preferred());
        List<String> available = new ArrayList<>();
        for (String e : engines) {
            PipeServerFactory factory = PipeEngines.factory(e, preferred);
            if (factory.isAvailable()) {
                available.add(e);
            } else {
                spec.commandLine()
                        .getErr()
                        .printf(
                                "%s: not available: %s%n",
                                e, factory.unavailabilityCause().orElseThrow());
            }
        }
        if (available.isEmpty()) {
            spec.commandLine().getErr().println("pipelab compare: no engine can run here");
            return 1;
        }
        PipeAddress.Kind pipes = PipeAddress.resolve("pipelab:compare").kind();
        LoadDriver load;
        try {
            load = driver != null ? LoadDriver.parse(driver) : LoadDriver.defaultFor(pipes);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        String cannot = load.cannotReach(pipes);
        if (cannot != null) {
            throw new ParameterException(spec.commandLine(), "--driver " + load.key() + ": " + cannot);
        }
        List<Workload> chosen;
        try {
            chosen = workloads != null
                    ? workloads.stream().map(Workload::parse).toList()
                    : matrix.full ? Workload.full() : Workload.quick();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (repetitions < 1 || warmupMillis < 0 || windowMillis < 100) {
            throw new ParameterException(
                    spec.commandLine(), "--repetitions must be >= 1, --warmup-ms >= 0 and --window-ms >= 100");
        }
        String title = "pipelab "
                + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        ComparisonOptions options = new ComparisonOptions(
                title,
                available,
                !noReference,
                chosen,
                Duration.ofMillis(warmupMillis),
                Duration.ofMillis(windowMillis),
                repetitions,
                out,
                load,
                pipes,
                seamRows);
        var print = spec.commandLine().getOut();
        print.printf(
                "%d runs: %d workloads on %s, %s driver, seams %s%n",
                options.runCount(),
                chosen.size(),
                String.join(", ", options.servers()),
                load.key(),
                String.join(", ", seamRows.names()));
        seamRows.cannotRun().forEach((seam, why) -> print.printf("seam %s: n/a: %s%n", seam, why));
        if (options.referenceNotRun() != null) {
            print.printf("%s: n/a: %s%n", NettyEchoServer.KEY, options.referenceNotRun());
        }
        print.flush();
        Results results;
        Progress progress = Progress.forConsole(options.runCount(), System.out);
        try {
            results = ComparisonReport.run(options, progress);
        } finally {
            progress.close(); // ends the bar or the lines; standard output stays open
        }
        print.printf("report: %s%n", out.resolve(ComparisonReport.HTML).toAbsolutePath());
        if (results.errors() > 0) {
            spec.commandLine()
                    .getErr()
                    .printf("%d errors; the runs with errors are marked in the report:%n", results.errors());
            results.runs().stream()
                    .filter(r -> r.errors() > 0)
                    .forEach(r -> spec.commandLine()
                            .getErr()
                            .printf("  %s on %s: %s%n", r.workload(), r.engine(), String.join("; ", r.errorSamples())));
            return 1;
        }
        return 0;
    }
}
