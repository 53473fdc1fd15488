package dev.pipelab.report;

import dev.pipelab.report.Statistics.Spread;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/** What the numbers say: who wins each workload and by how much, and how the engines stand against the goals. */
final class Findings {

    /** Single-thread engines, the ones measured against the reference and the idle-memory budget. */
    static final List<String> SINGLE_THREAD = List.of("overlapped", "completion");
    /** The idle-memory goal: 8 KB (8,000 bytes), in the KiB the report measures in. */
    static final double IDLE_BUDGET_KIB = 8000 / 1024.0;

    /**
     * One performance goal as measured.
     *
     * @param goal what the goal asks
     * @param measured the measured ratio or value, in words
     * @param verdict {@code met}, {@code missed} or {@code not measured}
     */
    record Goal(String goal, String measured, String verdict) {}

    private final Results results;

    Findings(Results results) {
        this.results = results;
    }

    /** One sentence per workload: the fastest server and its lead, the lowest p99, the cheapest in CPU. */
    List<String> winners() {
        List<String> lines = new ArrayList<>();
        for (String workload : results.workloads()) {
            List<RunResult> runs = measured(workload);
            if (runs.size() < 2) {
                continue;
            }
            List<RunResult> byRate =
                    sorted(runs, r -> -r.summary().messagesPerSecond().median());
            RunResult best = byRate.get(0);
            RunResult second = byRate.get(1);
            RunResult lowestP99 =
                    sorted(runs, r -> r.summary().p99Micros().median()).get(0);
            RunResult cheapest = sorted(
                            runs, r -> r.summary().cpuMicrosPerMessage().median())
                    .get(0);
            lines.add(workload + ": " + best.engine() + " leads with "
                    + Format.number(best.summary().messagesPerSecond().median()) + " msg/s, "
                    + Format.ratio(best.summary().messagesPerSecond().median()
                            / second.summary().messagesPerSecond().median())
                    + " of " + second.engine() + "; lowest p99 " + lowestP99.engine() + " ("
                    + Format.number(lowestP99.summary().p99Micros().median()) + " us); least CPU per message "
                    + cheapest.engine() + " ("
                    + Format.number(cheapest.summary().cpuMicrosPerMessage().median())
                    + " us)");
        }
        return lines;
    }

    /** The performance goals, each with what this run measured. */
    List<Goal> goals() {
        List<Goal> goals = new ArrayList<>();
        for (String engine : singleThreadRows()) {
            goals.add(against(
                    engine,
                    NettyEchoServer.KEY,
                    1,
                    1,
                    engine + " at or above Netty in msg/s and at or below it in CPU per message, 100 to"
                            + " 10,000 clients" + onSeam(engine)));
        }
        for (String engine : singleThreadRows()) {
            goals.add(against(
                    engine,
                    CEpollEchoServer.KEY,
                    0.9,
                    1.2,
                    engine + " at 0.9x or more of the C epoll server's msg/s and at most 1.2x its CPU per"
                            + " message, 100 to 10,000 clients" + onSeam(engine)));
        }
        goals.add(virtualAtTenThousand());
        goals.add(threadedAtTenThousand());
        goals.addAll(idleMemory());
        return goals;
    }

    /**
     * The goal that {@code engine} reach {@code minRate} of {@code reference}'s msg/s and at most
     * {@code maxCpu} of its CPU per message on each echo workload of 100 clients or more.
     */
    private Goal against(String engine, String reference, double minRate, double maxCpu, String goal) {
        List<String> rate = new ArrayList<>();
        List<String> cpu = new ArrayList<>();
        boolean met = true;
        boolean clearlyWorse = false;
        for (String w : echoWorkloads()) {
            Optional<RunResult> mine = results.run(engine, w).filter(RunResult::measured);
            Optional<RunResult> ref = results.run(reference, w).filter(RunResult::measured);
            if (mine.isEmpty() || ref.isEmpty() || mine.get().clients() < 100) {
                continue;
            }
            Spread myRate = mine.get().summary().messagesPerSecond();
            Spread refRate = ref.get().summary().messagesPerSecond();
            Spread myCpu = mine.get().summary().cpuMicrosPerMessage();
            Spread refCpu = ref.get().summary().cpuMicrosPerMessage();
            double r = myRate.median() / refRate.median();
            double c = myCpu.median() / refCpu.median();
            // short in every repetition: the best of mine below minRate of the reference's worst
            boolean rateWorse = myRate.max() < minRate * refRate.min();
            boolean cpuWorse = myCpu.min() > maxCpu * refCpu.max();
            rate.add(w + " " + Format.ratio(r) + mark(r >= minRate, rateWorse));
            cpu.add(w + " " + Format.ratio(c) + mark(c <= maxCpu, cpuWorse));
            met &= r >= minRate && c <= maxCpu;
            clearlyWorse |= rateWorse || cpuWorse;
        }
        if (rate.isEmpty()) {
            return new Goal(goal, "-", "not measured");
        }
        return new Goal(
                goal,
                "msg/s vs " + reference + ": " + String.join(", ", rate) + "; CPU/msg vs " + reference + ": "
                        + String.join(", ", cpu),
                met ? "met" : clearlyWorse ? "missed" : "within the spread: short by the medians, the ranges overlap");
    }

    /**
     * Each measured server of {@code workload} against each reference that ran it: the ratios of
     * msg/s and of CPU per message, medians over the repetitions. Empty when no reference ran it.
     */
    Optional<String> againstReferences(String workload) {
        List<String> parts = new ArrayList<>();
        for (String reference : ComparisonOptions.REFERENCES) {
            Optional<RunResult> ref = results.run(reference, workload).filter(RunResult::measured);
            if (ref.isEmpty()) {
                continue;
            }
            List<String> ratios = new ArrayList<>();
            for (RunResult r : measured(workload)) {
                if (!r.engine().equals(reference)) {
                    ratios.add(r.engine() + " "
                            + Format.ratio(r.summary().messagesPerSecond().median()
                                    / ref.get().summary().messagesPerSecond().median())
                            + " msg/s, "
                            + Format.ratio(r.summary().cpuMicrosPerMessage().median()
                                    / ref.get().summary().cpuMicrosPerMessage().median())
                            + " CPU/msg");
                }
            }
            if (!ratios.isEmpty()) {
                parts.add("against " + reference + ": " + String.join("; ", ratios));
            }
        }
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(". ", parts));
    }

    /**
     * The single-thread engines' rows: each engine on the preferred seam, then its rows on the
     * other seams ({@code overlapped-nio}), so that the goals against the references are given
     * for the transport underneath too.
     */
    private List<String> singleThreadRows() {
        List<String> rows = new ArrayList<>();
        for (String engine : SINGLE_THREAD) {
            rows.add(engine);
            results.servers().stream()
                    .filter(s ->
                            !s.equals(engine) && ComparisonOptions.engineOf(s).equals(engine))
                    .forEach(rows::add);
        }
        return rows;
    }

    /** " (on the nio seam)" when the runs of {@code server} say which seam they ran on; else nothing. */
    private String onSeam(String server) {
        return results.runs().stream()
                .filter(r -> r.engine().equals(server) && r.seam() != null)
                .map(r -> " (on the " + r.seam() + " seam)")
                .findFirst()
                .orElse("");
    }

    private List<String> echoWorkloads() {
        return results.workloads().stream().filter(w -> w.startsWith("echo-")).toList();
    }

    /** Marks a comparison that misses by the medians: clearly, or only within the spread of the repetitions. */
    private static String mark(boolean meets, boolean clearlyWorse) {
        return meets ? "" : clearlyWorse ? " (short in every repetition)" : " (ranges overlap)";
    }

    private Goal virtualAtTenThousand() {
        String goal = "virtual at or above 0.8 of the single-thread engines in msg/s at 10,000 clients";
        for (String w : results.workloads()) {
            Optional<RunResult> virtual = results.run("virtual", w).filter(r -> r.measured() && r.clients() == 10_000);
            if (virtual.isEmpty() || !w.startsWith("echo-")) {
                continue;
            }
            double best = SINGLE_THREAD.stream()
                    .map(e -> results.run(e, w))
                    .flatMap(Optional::stream)
                    .filter(RunResult::measured)
                    .mapToDouble(r -> r.summary().messagesPerSecond().median())
                    .max()
                    .orElse(Double.NaN);
            double r = virtual.get().summary().messagesPerSecond().median() / best;
            return new Goal(
                    goal,
                    w + ": " + Format.ratio(r) + " of the faster single-thread engine",
                    Double.isNaN(r) ? "not measured" : r >= 0.8 ? "met" : "missed");
        }
        return new Goal(goal, "-", "not measured");
    }

    private Goal threadedAtTenThousand() {
        String goal = "threaded completes 10,000 clients without errors";
        return results.runs().stream()
                .filter(r -> r.engine().equals("threaded") && r.clients() == 10_000)
                .findFirst()
                .map(r -> new Goal(
                        goal,
                        r.workload() + ": " + r.errors() + " errors, " + Format.count(r.peakThreads())
                                + " threads at peak",
                        r.errors() == 0 && r.measured() ? "met" : "missed"))
                .orElse(new Goal(goal, "-", "not measured"));
    }

    private List<Goal> idleMemory() {
        List<Goal> goals = new ArrayList<>();
        Optional<String> idle =
                results.workloads().stream().filter(w -> w.startsWith("idle-")).findFirst();
        if (idle.isEmpty()) {
            goals.add(new Goal("memory per idle client", "-", "not measured"));
            return goals;
        }
        // Two measures, each taken after a full GC: the live heap an idle client adds (what the
        // engine keeps for it) and the resident memory (that plus the headroom the GC keeps,
        // which grows with the heap). A goal is met when both meet it.
        double singleHeap = Double.NaN;
        double singleRss = Double.NaN;
        for (String engine : SINGLE_THREAD) {
            Optional<RunResult> r = results.run(engine, idle.get()).filter(RunResult::measured);
            if (r.isPresent()) {
                double heap = r.get().heapKbPerConnection();
                double rss = r.get().kbPerConnection();
                singleHeap = Double.isNaN(singleHeap) ? heap : Math.max(singleHeap, heap);
                singleRss = Double.isNaN(singleRss) ? rss : Math.max(singleRss, rss);
                goals.add(new Goal(
                        engine + ": at most 8 KB of memory per idle client",
                        Format.number(heap) + " KiB live heap, " + Format.number(rss)
                                + " KiB resident per idle client (" + idle.get() + ")",
                        verdict(heap <= IDLE_BUDGET_KIB, rss <= IDLE_BUDGET_KIB, Double.isNaN(heap))));
            }
        }
        Optional<RunResult> virtual = results.run("virtual", idle.get()).filter(RunResult::measured);
        if (virtual.isPresent() && !Double.isNaN(singleRss)) {
            double heapRatio = virtual.get().heapKbPerConnection() / Math.max(singleHeap, 0.001);
            double rssRatio = virtual.get().kbPerConnection() / Math.max(singleRss, 0.001);
            goals.add(new Goal(
                    "virtual: memory per idle client within 2x of the single-thread engines",
                    Format.number(virtual.get().heapKbPerConnection()) + " KiB live heap ("
                            + Format.ratio(heapRatio) + " of the larger single-thread figure), "
                            + Format.number(virtual.get().kbPerConnection()) + " KiB resident ("
                            + Format.ratio(rssRatio)
                            + ")",
                    verdict(heapRatio <= 2, rssRatio <= 2, Double.isNaN(heapRatio))));
        }
        return goals;
    }

    /** Met when both measures meet the goal; "mixed" says which one does. */
    private static String verdict(boolean heapMeets, boolean rssMeets, boolean heapUnknown) {
        if (heapUnknown) {
            return rssMeets ? "met by resident memory; live heap not measured" : "missed";
        }
        return heapMeets && rssMeets
                ? "met"
                : heapMeets
                        ? "mixed: met by live heap, missed by resident memory"
                        : rssMeets ? "mixed: met by resident memory, missed by live heap" : "missed";
    }

    private List<RunResult> measured(String workload) {
        return results.runs().stream()
                .filter(r -> r.workload().equals(workload) && r.measured())
                .toList();
    }

    private static List<RunResult> sorted(List<RunResult> runs, ToDoubleFunction<RunResult> key) {
        return runs.stream().sorted(Comparator.comparingDouble(key)).toList();
    }
}
