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
 * @param reference true to add the reference rows (Netty, and the C epoll server: the limit) to the
 *     workloads an echo server serves
 * @param workloads the workloads, in order
 * @param warmup talking before each run's first window
 * @param window each measured window
 * @param windows measured windows per run (repetitions; the report shows their median and range)
 * @param out the directory the report goes to
 * @param driver the load driver
 * @param pipes the kind of this system's pipes: where they are not AF_UNIX sockets, servers are
 *     addressed by a name and the references cannot run
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

    /** The reference servers, in the order the report shows them after the engines: echo servers both. */
    public static final List<String> REFERENCES = List.of(NettyEchoServer.KEY, CEpollEchoServer.KEY);

    /** The servers compared: the engines, then the references. */
    public List<String> servers() {
        return reference
                ? java.util.stream.Stream.concat(engines.stream(), REFERENCES.stream())
                        .toList()
                : engines;
    }

    /**
     * The servers that run {@code workload}: the references only serve echo, and Netty only where
     * it can run (the C server, where it cannot, the runner leaves out and says why).
     */
    public List<String> serversFor(Workload workload) {
        return servers().stream()
                .filter(s -> !REFERENCES.contains(s) || workload.servedByEcho() && referenceNotRun(s) == null)
                .toList();
    }

    /** Null when Netty, if asked for, runs its workloads here; else why it cannot. */
    public String referenceNotRun() {
        return referenceNotRun(NettyEchoServer.KEY);
    }

    /**
     * Null when the reference {@code key}, if asked for, can run its workloads here; else why it
     * cannot (a C server that will not compile is found out only when the runner builds it).
     */
    public String referenceNotRun(String key) {
        if (!reference) {
            return null;
        }
        return key.equals(NettyEchoServer.KEY)
                ? NettyEchoServer.cannotRunWhere(pipes)
                : CEpollEchoServer.cannotRunWhere(pipes);
    }

    /** Runs in all. */
    public int runCount() {
        return workloads.stream().mapToInt(w -> serversFor(w).size()).sum();
    }
}
