package dev.pipelab.report;

import dev.pipelab.api.PipeAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a comparison runs and where it writes.
 *
 * @param title the command line, shown in the report
 * @param engines engine keys to compare
 * @param reference true to add the Netty reference row to the workloads an echo server serves
 * @param workloads the workloads, in order
 * @param warmup talking before each run's first window
 * @param window each measured window
 * @param windows measured windows per run (repetitions; the report shows their median and range)
 * @param out the directory the report goes to
 * @param driver the load driver
 * @param pipes the kind of this system's pipes: where they are not AF_UNIX sockets, servers are
 *     addressed by a name and the Netty reference cannot run
 */
public record ComparisonOptions(
        String title,
        List<String> engines,
        boolean reference,
        List<Workload> workloads,
        Duration warmup,
        Duration window,
        int windows,
        Path out,
        LoadDriver driver,
        PipeAddress.Kind pipes) {

    /** The engine keys, in the order the report shows them. */
    public static final List<String> ENGINES = List.of("threaded", "overlapped", "completion", "virtual");

    public ComparisonOptions {
        engines = List.copyOf(engines);
        workloads = List.copyOf(workloads);
        if (engines.isEmpty() || workloads.isEmpty()) {
            throw new IllegalArgumentException("at least one engine and one workload are needed");
        }
        String cannot = driver.cannotReach(pipes);
        if (cannot != null) {
            throw new IllegalArgumentException(cannot);
        }
        if (windows < 1) {
            throw new IllegalArgumentException("windows must be >= 1, was " + windows);
        }
    }

    /** The servers compared: the engines, then the reference. */
    public List<String> servers() {
        return reference
                ? java.util.stream.Stream.concat(engines.stream(), java.util.stream.Stream.of(NettyEchoServer.KEY))
                        .toList()
                : engines;
    }

    /** The servers that run {@code workload}: the reference only serves echo, and only where it can run. */
    public List<String> serversFor(Workload workload) {
        return servers().stream()
                .filter(s -> !s.equals(NettyEchoServer.KEY) || workload.servedByEcho() && referenceNotRun() == null)
                .toList();
    }

    /** Null when the reference, if asked for, runs its workloads here; else why it cannot. */
    public String referenceNotRun() {
        return reference ? NettyEchoServer.cannotRunWhere(pipes) : null;
    }

    /** Runs in all. */
    public int runCount() {
        return workloads.stream().mapToInt(w -> serversFor(w).size()).sum();
    }
}
