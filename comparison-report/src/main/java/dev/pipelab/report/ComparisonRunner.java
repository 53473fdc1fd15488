package dev.pipelab.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a comparison: for each workload, each server in a fresh JVM with a fresh driver process
 * beside it, one after the other, so that each is measured alone. Everything talks over AF_UNIX
 * sockets in a private temp directory (or, where pipes are not sockets, a pipe named afresh for
 * each run), which is removed after each run; a run that fails is recorded with its reason, and
 * its processes are killed.
 */
public final class ComparisonRunner {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONNECT_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration DRIVER_SLACK = Duration.ofSeconds(60);

    private final ComparisonOptions options;
    private final Progress progress;

    /** A runner of {@code options} reporting to {@code progress}. */
    public ComparisonRunner(ComparisonOptions options, Progress progress) {
        this.options = options;
        this.progress = progress;
    }

    /** Runs every workload on every server and returns the results (not yet written). */
    public Results run() throws InterruptedException {
        List<RunResult> runs = new ArrayList<>();
        Map<String, String> missing = new TreeMap<>();
        Path tools = null;
        try {
            Path cEchoServer = null;
            for (String reference : ComparisonOptions.REFERENCES) {
                String why = options.referenceNotRun(reference);
                if (why != null) {
                    missing.put(reference, why);
                }
            }
            missing.putAll(options.seamRowsNotRun());
            if (options.workloads().stream().anyMatch(w -> options.serversFor(w).contains(CEpollEchoServer.KEY))) {
                tools = Files.createTempDirectory("pipelab-compare-c-");
                CEpollEchoServer.Build built = CEpollEchoServer.build(tools);
                cEchoServer = built.executable();
                if (built.missing() != null) {
                    missing.put(CEpollEchoServer.KEY, built.missing());
                }
            }
            for (Workload workload : options.workloads()) {
                for (String server : options.serversFor(workload)) {
                    if (missing.containsKey(server)) {
                        continue;
                    }
                    progress.starting(server, workload.name());
                    RunResult result = runOne(server, workload, cEchoServer);
                    runs.add(result);
                    progress.finished(result);
                }
            }
        } catch (IOException e) {
            missing.put(CEpollEchoServer.KEY, "no temporary directory to build it in: " + e.getMessage());
        } finally {
            deleteTree(tools);
        }
        return new Results(
                options.title(),
                OffsetDateTime.now(java.time.ZoneId.systemDefault())
                        .truncatedTo(ChronoUnit.SECONDS)
                        .toString(),
                machine(),
                new Results.Settings(
                        options.warmup().toMillis(),
                        options.window().toMillis(),
                        options.windows(),
                        options.driver().key(),
                        options.referenceNotRun()),
                options.servers(),
                missing,
                EngineLesson.of(options.servers(), EngineLesson.findSourceRoot(Path.of(""))),
                runs);
    }

    private RunResult runOne(String server, Workload workload, Path cEchoServer) throws InterruptedException {
        Path dir = null;
        String seam = options.seamOf(server);
        try {
            dir = Files.createTempDirectory("pipelab-compare-");
            try (ServerProcess process = ServerProcess.start(
                    ComparisonOptions.engineOf(server),
                    seam,
                    workload,
                    dir,
                    options.pipes(),
                    cEchoServer,
                    READY_TIMEOUT)) {
                DriverReport report = drive(process, workload, dir);
                return RunResult.of(server, process.seam(), workload, report, process.stop(STOP_TIMEOUT));
            }
        } catch (IOException e) {
            return RunResult.failed(server, seam, workload, e.getMessage());
        } finally {
            deleteTree(dir);
        }
    }

    private DriverReport drive(ServerProcess server, Workload workload, Path dir)
            throws IOException, InterruptedException {
        List<String> command = JavaCommand.of();
        command.addAll(List.of(
                WorkloadDriver.class.getName(),
                "--pipe",
                server.pipe(),
                "--driver",
                options.driver().key(),
                "--workload",
                workload.name(),
                "--server-pid",
                Long.toString(server.pid()),
                "--warmup-ms",
                Long.toString(options.warmup().toMillis()),
                "--window-ms",
                Long.toString(options.window().toMillis()),
                "--windows",
                Integer.toString(options.windows()),
                "--connect-timeout-s",
                Long.toString(CONNECT_TIMEOUT.toSeconds())));
        Path errors = dir.resolve("driver.err");
        Process driver =
                new ProcessBuilder(command).redirectError(errors.toFile()).start();
        Duration limit = CONNECT_TIMEOUT
                .plus(options.warmup())
                .plus(options.window().multipliedBy(options.windows()))
                .plus(DRIVER_SLACK);
        try {
            String result = null;
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8))) {
                // The driver prints one line and exits within its own deadlines; the waitFor below bounds the rest.
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(WorkloadDriver.RESULT_PREFIX)) {
                        result = line.substring(WorkloadDriver.RESULT_PREFIX.length());
                    }
                }
            }
            if (!driver.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("the driver did not finish within " + limit);
            }
            if (result == null) {
                throw new IOException("the driver printed no result; its stderr: "
                        + String.join(
                                " | ",
                                Files.readAllLines(errors).stream().limit(10).toList()));
            }
            return new ObjectMapper().readValue(result, DriverReport.class);
        } finally {
            driver.destroyForcibly();
        }
    }

    /** The machine and JDK this runs on (the servers run on the same JDK). */
    static Results.Machine machine() {
        String cpu = "unknown";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst()
                    .orElse(cpu);
        } catch (IOException e) {
            // not Linux, or no /proc: the model stays unknown
        }
        long memoryMb = ((com.sun.management.OperatingSystemMXBean)
                                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                        .getTotalMemorySize()
                >> 20;
        return new Results.Machine(
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                cpu,
                Runtime.getRuntime().availableProcessors(),
                memoryMb,
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temp directory left behind is untidy, not wrong; the OS cleans /tmp
        }
    }
}
