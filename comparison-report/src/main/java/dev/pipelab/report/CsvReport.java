package dev.pipelab.report;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** {@code results.csv}: one row per measured window of every run, so every number can be re-analysed. */
final class CsvReport {

    static final String HEADER = "server,seam,workload,clients,connections,window,messages,seconds,messages_per_second,"
            + "p50_us,p99_us,p999_us,server_cpu_seconds,cpu_us_per_message,fairness,slowest_share,peak_rss_kb,"
            + "peak_threads,kb_per_connection,heap_kb_per_connection,errors";

    private CsvReport() {}

    static String render(Results results) {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (RunResult r : results.runs()) {
            List<DriverReport.Window> windows = r.windows();
            if (windows.isEmpty()) {
                csv.append(row(r, 0, null)).append('\n');
            }
            for (int i = 0; i < windows.size(); i++) {
                csv.append(row(r, i + 1, windows.get(i))).append('\n');
            }
        }
        return csv.toString();
    }

    /** The run's seam; empty for a reference (and in results from before there were two seams). */
    private static String seam(RunResult r) {
        return r.seam() != null ? r.seam() : "";
    }

    private static String row(RunResult r, int index, DriverReport.Window w) {
        List<Object> cells = w == null
                ? List.of(
                        r.engine(),
                        seam(r),
                        r.workload(),
                        r.clients(),
                        r.connections(),
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        r.peakRssKb(),
                        r.peakThreads(),
                        0,
                        0,
                        r.errors())
                : List.of(
                        r.engine(),
                        seam(r),
                        r.workload(),
                        r.clients(),
                        r.connections(),
                        index,
                        w.messages(),
                        w.seconds(),
                        w.messagesPerSecond(),
                        w.p50Micros(),
                        w.p99Micros(),
                        w.p999Micros(),
                        w.serverCpuSeconds(),
                        w.cpuMicrosPerMessage(),
                        w.fairness(),
                        w.slowestShare(),
                        r.peakRssKb(),
                        r.peakThreads(),
                        r.kbPerConnection(),
                        r.heapKbPerConnection(),
                        r.errors());
        return cells.stream()
                .map(c -> c instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : c.toString())
                .collect(Collectors.joining(","));
    }
}
