package dev.pipelab.report;

import java.util.ArrayList;
import java.util.List;

/** The tables every format of the report shows, as rows of cells; each renderer only lays them out. */
final class ReportTables {

    /** The heading of a workload's table. */
    static final List<String> RUN_HEADER = List.of(
            "server",
            "seam",
            "msg/s",
            "p50 us",
            "p99 us",
            "p99.9 us",
            "CPU us/msg",
            "fairness",
            "peak RSS MiB",
            "RSS KiB/conn",
            "heap KiB/conn",
            "threads",
            "errors");

    /** What a workload table's cells mean, said once above the tables. */
    static final String RUN_NOTE = "Each cell: median over the repetitions, then the range (min-max). Fairness is"
            + " Jain's index of the clients' reply counts (1 = all served alike). RSS KiB/conn and heap KiB/conn are"
            + " the server's resident memory and live heap added by the connections, per connection, each taken"
            + " right after a full GC (jcmd GC.class_histogram), so that they count what the server keeps, not"
            + " garbage; for the idle workloads, what the idle clients alone add to a server already warm with its"
            + " busy ones.";

    /** What the seam column means, said once above the tables of a comparison whose engines ran on more than one seam. */
    static final String SEAM_NOTE = "seam: the OS seam the engine ran on, as its server's READY line named it."
            + " native: raw Linux system calls through java.lang.foreign, epoll edge-triggered (the loops of"
            + " overlapped and completion on an epoll of their own; the blocking calls of threaded and virtual"
            + " parked on a poller thread's); nio: the JDK's AF_UNIX channels and a Selector. Each engine's"
            + " plain row runs on the seam its I/O style prefers, as serve picks it (native for overlapped and"
            + " completion, nio for threaded and virtual); a row <engine>-<seam> (overlapped-nio, threaded-native)"
            + " is that engine again on another seam: the same strategy, another transport.";

    private ReportTables() {}

    /** The note on the seam column, when the engines ran on more than one seam. */
    static java.util.Optional<String> seamNote(Results results) {
        long seams = results.runs().stream()
                .map(RunResult::seam)
                .filter(java.util.Objects::nonNull)
                .distinct()
                .count();
        return seams > 1 ? java.util.Optional.of(SEAM_NOTE) : java.util.Optional.empty();
    }

    /** One row per server that ran {@code workload}: medians with the range over repetitions. */
    static List<List<String>> runRows(Results results, String workload) {
        List<List<String>> rows = new ArrayList<>();
        for (RunResult r : results.runs()) {
            if (!r.workload().equals(workload)) {
                continue;
            }
            RunResult.Summary s = r.summary();
            rows.add(List.of(
                    r.engine(),
                    r.seam() != null ? r.seam() : "-",
                    Format.spread(s.messagesPerSecond()),
                    Format.spread(s.p50Micros()),
                    Format.spread(s.p99Micros()),
                    Format.spread(s.p999Micros()),
                    Format.spread(s.cpuMicrosPerMessage()),
                    Format.number(s.fairness().median()),
                    Format.mib(r.peakRssKb()),
                    Format.number(r.kbPerConnection()),
                    Format.number(r.heapKbPerConnection()),
                    Format.count(r.peakThreads()),
                    Long.toString(r.errors())));
        }
        return rows;
    }

    /**
     * Notes below a workload's table: a reference that could not run it, an engine's row on a seam
     * that cannot run here, end-of-run checks and error samples.
     */
    static List<String> runNotes(Results results, String workload) {
        List<String> notes = new ArrayList<>();
        for (var missing : results.missing().entrySet()) {
            String row = missing.getKey();
            String engine = ComparisonOptions.engineOf(row);
            if (!engine.equals(row) && results.run(engine, workload).isPresent()) {
                notes.add(row + ": n/a: " + missing.getValue());
            }
        }
        for (String reference : ComparisonOptions.REFERENCES) {
            if (results.servers().contains(reference)
                    && results.run(reference, workload).isEmpty()) {
                String why = results.missing().get(reference);
                notes.add(reference + ": n/a: "
                        + (why != null && Workload.parse(workload).servedByEcho()
                                ? why
                                : "the reference is an echo server"));
            }
        }
        new Findings(results).againstReferences(workload).ifPresent(notes::add);
        if (workload.startsWith("ledger-")) {
            notes.add("msg/s here: transfers acknowledged per second, each durable (synced) before its reply");
        }
        for (RunResult r : results.runs()) {
            if (r.workload().equals(workload) && workload.startsWith("ledger-")) {
                syncNote(r).ifPresent(notes::add);
            }
            if (r.workload().equals(workload) && r.verdict() != null) {
                notes.add(r.engine() + ": " + r.verdict());
            }
            if (r.workload().equals(workload) && r.errors() > 0) {
                notes.add(r.engine() + " FAILED: " + String.join("; ", r.errorSamples()));
            }
        }
        return notes;
    }

    /** The ledger's syncs per second and transfers per sync, median and range over the windows. */
    private static java.util.Optional<String> syncNote(RunResult r) {
        List<DriverReport.Window> counted =
                r.windows().stream().filter(w -> w.syncs() >= 0).toList();
        if (counted.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(r.engine() + ": "
                + Format.spread(Statistics.spread(counted.stream()
                        .map(DriverReport.Window::syncsPerSecond)
                        .toList()))
                + " syncs/s, "
                + Format.spread(Statistics.spread(counted.stream()
                        .map(DriverReport.Window::messagesPerSync)
                        .filter(x -> !Double.isNaN(x))
                        .toList()))
                + " transfers per sync");
    }

    /** The lesson of each server: thread model, code size, and its costs as measured. */
    static List<List<String>> lessonRows(Results results) {
        List<List<String>> rows = new ArrayList<>();
        for (EngineLesson lesson : results.lessons()) {
            rows.add(List.of(
                    lesson.server(),
                    lesson.threadModel(),
                    lesson.lines() > 0 ? lesson.lines() + " lines (" + lesson.className() + ")" : lesson.className(),
                    measuredCosts(results, lesson.server())));
        }
        return rows;
    }

    /** The heading of the lessons table. */
    static final List<String> LESSON_HEADER = List.of("server", "thread model", "code", "costs as measured");

    private static String measuredCosts(Results results, String server) {
        List<RunResult> runs = results.runs().stream()
                .filter(r -> r.engine().equals(server) && r.measured())
                .toList();
        if (runs.isEmpty()) {
            return "-";
        }
        RunResult most = runs.stream()
                .filter(r -> r.workload().startsWith("echo-"))
                .max(java.util.Comparator.comparingInt(RunResult::clients))
                .orElse(runs.get(0));
        String text = Format.count(most.peakThreads()) + " threads and " + Format.mib(most.peakRssKb()) + " MiB at "
                + most.connections() + " connections (" + most.workload() + "), "
                + Format.number(most.summary().cpuMicrosPerMessage().median()) + " us CPU per message there";
        return runs.stream()
                .filter(r -> r.workload().startsWith("idle-"))
                .findFirst()
                .map(r -> text + "; " + Format.number(r.kbPerConnection()) + " KiB per idle connection")
                .orElse(text);
    }

    /** The heading of the goals table. */
    static final List<String> GOAL_HEADER = List.of("goal", "measured", "verdict");

    static List<List<String>> goalRows(Results results) {
        return new Findings(results)
                .goals().stream()
                        .map(g -> List.of(g.goal(), g.measured(), g.verdict()))
                        .toList();
    }
}
