package dev.pipelab.report;

import dev.pipelab.api.PipeAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
 * @param seams the OS seams the engines run on, and the rows each adds
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
        PipeAddress.Kind pipes,
        Seams seams) {

    /** The engine keys, in the order the report shows them. */
    public static final List<String> ENGINES = List.of("threaded", "overlapped", "completion", "virtual");

    /**
     * The engines whose transport differs between the seams, so that each seam after the first
     * adds a row of theirs ({@code overlapped-nio}): all four, since the native seam serves every
     * style on raw system calls (the loops on epoll, the blocking calls parked on its poller). The
     * one place to change when a seam leaves an engine's transport as another seam's.
     */
    public static final List<String> SEAM_DEPENDENT = ENGINES;

    /**
     * The OS seams the engines run on. Every engine runs on its preferred seam under its plain key
     * ({@code overlapped}): the one {@code preferredByEngine} names for it, else the first; on
     * each further seam the engines of {@link #SEAM_DEPENDENT} run again as
     * {@code <engine>-<seam>} ({@code overlapped-nio}, {@code threaded-native}), so that a table
     * shows what the transport costs apart from the strategy.
     *
     * @param names the seams' names ({@code native}, {@code nio}), the preferred first
     * @param cannotRun seams that would have been preferred to the first but cannot run here, each
     *     with why: their rows are missing, and the report says so
     * @param everyWorkload true to run the further seams' rows on every workload; false to run
     *     them only where the references run (the echo, churn and idle workloads: the transport's
     *     costs, not the handler's or the disk's), as the quick matrix does to stay quick
     * @param preferredByEngine an engine's preferred seam where it is not the first (as its I/O
     *     style prefers it: {@code serve} picks the same), one of {@code names}
     */
    public record Seams(
            List<String> names,
            Map<String, String> cannotRun,
            boolean everyWorkload,
            Map<String, String> preferredByEngine) {

        public Seams {
            names = List.copyOf(names);
            cannotRun = java.util.Collections.unmodifiableMap(new TreeMap<>(cannotRun));
            preferredByEngine = Map.copyOf(preferredByEngine);
            if (names.isEmpty() || names.stream().distinct().count() != names.size()) {
                throw new IllegalArgumentException("seams must name at least one seam, each once: " + names);
            }
            if (!names.containsAll(preferredByEngine.values())) {
                throw new IllegalArgumentException(
                        "an engine's preferred seam must be one of " + names + ": " + preferredByEngine);
            }
        }

        /** Every engine preferring the first of {@code names}. */
        public Seams(List<String> names, Map<String, String> cannotRun, boolean everyWorkload) {
            this(names, cannotRun, everyWorkload, Map.of());
        }

        /** Only {@code seam}: one row per engine, as before there were two. */
        public static Seams only(String seam) {
            return new Seams(List.of(seam), Map.of(), true);
        }

        /** The first seam: the one engines prefer unless {@link #preferredByEngine} says otherwise. */
        public String preferred() {
            return names.get(0);
        }

        /** The seam {@code engine} runs on under its plain key. */
        public String preferredFor(String engine) {
            return preferredByEngine.getOrDefault(engine, preferred());
        }

        /** The seams {@code engine} runs on: its preferred one first, then the others in order. */
        List<String> orderFor(String engine) {
            String first = preferredFor(engine);
            List<String> order = new ArrayList<>(List.of(first));
            names.stream().filter(n -> !n.equals(first)).forEach(order::add);
            return order;
        }
    }

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
        java.util.Objects.requireNonNull(seams, "seams");
    }

    /** The reference servers, in the order the report shows them after the engines: echo servers both. */
    public static final List<String> REFERENCES = List.of(NettyEchoServer.KEY, CEpollEchoServer.KEY);

    /**
     * The servers compared: each engine on the preferred seam, followed by its rows on the other
     * seams ({@code overlapped}, {@code overlapped-nio}), then the references.
     */
    public List<String> servers() {
        List<String> servers = new ArrayList<>();
        for (String engine : engines) {
            servers.add(engine);
            servers.addAll(seamRows(engine, seams.orderFor(engine)));
        }
        if (reference) {
            servers.addAll(REFERENCES);
        }
        return List.copyOf(servers);
    }

    /**
     * The rows of the seams that cannot run here, each with why (the same cause for each of its
     * engines): they are missing from the report, which says so below each table.
     */
    public Map<String, String> seamRowsNotRun() {
        Map<String, String> missing = new TreeMap<>();
        for (String engine : engines) {
            for (Map.Entry<String, String> seam : seams.cannotRun().entrySet()) {
                for (String row : seamRows(engine, List.of(seams.preferredFor(engine), seam.getKey()))) {
                    missing.put(row, "the " + seam.getKey() + " seam cannot run here: " + seam.getValue());
                }
            }
        }
        return missing;
    }

    /** {@code engine}'s rows on each of {@code seams} after the first: none unless its transport differs. */
    private static List<String> seamRows(String engine, List<String> seams) {
        return SEAM_DEPENDENT.contains(engine)
                ? seams.stream().skip(1).map(seam -> engine + "-" + seam).toList()
                : List.of();
    }

    /** The engine a server row runs ({@code overlapped} for {@code overlapped-nio}), or the reference's key. */
    public static String engineOf(String server) {
        int dash = server.indexOf('-');
        return dash > 0 && ENGINES.contains(server.substring(0, dash)) ? server.substring(0, dash) : server;
    }

    /** The seam a server row runs on, or null for a reference, which is no PipeLab engine. */
    public String seamOf(String server) {
        if (REFERENCES.contains(server)) {
            return null;
        }
        String engine = engineOf(server);
        return engine.equals(server) ? seams.preferredFor(engine) : server.substring(engine.length() + 1);
    }

    /**
     * The servers that run {@code workload}: the references only serve echo, and Netty only where
     * it can run (the C server, where it cannot, the runner leaves out and says why); the further
     * seams' rows only where the references run, unless {@link Seams#everyWorkload()}.
     */
    public List<String> serversFor(Workload workload) {
        return servers().stream()
                .filter(s -> !REFERENCES.contains(s) || workload.servedByEcho() && referenceNotRun(s) == null)
                .filter(s -> seams.everyWorkload()
                        || REFERENCES.contains(s)
                        || engineOf(s).equals(s)
                        || workload.servedByEcho())
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
