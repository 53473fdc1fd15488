package dev.pipelab.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * {@code index.html}: one self-contained page (inline CSS and SVG, no scripts, nothing fetched)
 * with the summary, the goals, the charts, every table, the machine and the engines' lessons.
 */
final class HtmlReport {

    private static final List<String> COLORS =
            List.of("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#7f7f7f", "#ff7f0e", "#8c564b", "#17becf", "#bcbd22");

    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1240px;margin:2em auto;
            padding:0 1em;color:#222;line-height:1.45}
            h1{margin-bottom:.2em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
            .meta{color:#555}table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
            th,td{border:1px solid #ddd;padding:.25em .6em;text-align:right;vertical-align:top}
            th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
            table.text td,table.text th{text-align:left}.met{color:#137333;font-weight:600}.missed{color:#b3261e;font-weight:600}.mixed{color:#8a5a00;font-weight:600}
            .failed{color:#b3261e}.charts{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:1em}
            svg{width:100%;height:auto;background:#fff;border:1px solid #eee}
            svg .title{font-size:14px;font-weight:600}svg .tick,svg .legend{font-size:11px}
            svg .axis{font-size:12px;fill:#444}svg .grid{stroke:#e6e6e6}svg .plot{fill:#fcfcfc;stroke:#ccc}
            code{background:#f3f3f3;padding:0 .2em}
            """;

    private HtmlReport() {}

    static String render(Results results) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
                + "<meta name='viewport' content='width=device-width, initial-scale=1'>"
                + "<title>PipeLab engines compared</title><style>" + STYLE + "</style></head><body>\n");
        html.append("<h1>PipeLab engines compared</h1>\n<p class='meta'><code>")
                .append(escape(results.title()))
                .append("</code>, ")
                .append(escape(results.generatedAt()))
                .append("<br>")
                .append(escape(machineLine(results)))
                .append("<br>")
                .append(escape(methodLine(results)))
                .append("</p>\n<h2>Summary</h2>\n<ul>\n");
        new Findings(results)
                .winners()
                .forEach(w -> html.append("<li>").append(escape(w)).append("</li>\n"));
        html.append("</ul>\n<h2>Performance goals</h2>\n");
        table(html, ReportTables.GOAL_HEADER, ReportTables.goalRows(results), true);
        charts(html, results);
        html.append("<h2>Workloads</h2>\n<p>")
                .append(escape(ReportTables.RUN_NOTE))
                .append("</p>\n");
        ReportTables.seamNote(results)
                .ifPresent(n -> html.append("<p>").append(escape(n)).append("</p>\n"));
        for (String workload : results.workloads()) {
            html.append("<h3>").append(escape(workload)).append("</h3>\n");
            table(html, ReportTables.RUN_HEADER, ReportTables.runRows(results, workload), false);
            List<String> notes = ReportTables.runNotes(results, workload);
            if (!notes.isEmpty()) {
                html.append("<ul>");
                notes.forEach(n -> html.append(n.contains(" FAILED: ") ? "<li class='failed'>" : "<li>")
                        .append(escape(n))
                        .append("</li>"));
                html.append("</ul>\n");
            }
        }
        html.append("<h2>The engines</h2>\n");
        table(html, ReportTables.LESSON_HEADER, ReportTables.lessonRows(results), true);
        return html.append("</body></html>\n").toString();
    }

    /** The machine and JDK in one line. */
    static String machineLine(Results results) {
        Results.Machine m = results.machine();
        return String.format(
                Locale.ROOT,
                "Machine: %s, %s, %d cores, %,d MiB; JDK %s.",
                m.os(),
                m.cpu(),
                m.cores(),
                m.memoryMb(),
                m.jdk());
    }

    /** How each run was measured, in one sentence. */
    static String methodLine(Results results) {
        Results.Settings s = results.settings();
        return String.format(
                Locale.ROOT,
                "Each server runs in a fresh JVM per workload; %s in another process checks every reply byte"
                        + " for byte. Per run: %,d ms warm-up, then %d windows of %,d ms; medians and ranges over the"
                        + " windows.",
                s.loadDriver() == LoadDriver.SELECTOR
                        ? "a one-thread non-blocking driver"
                        : "a driver with a virtual thread per client (--driver threads, heavier than the selector"
                                + " driver, so its figures are lower and comparable only with its own)",
                s.warmupMillis(),
                s.windows(),
                s.windowMillis());
    }

    /** For each workload family run at two or more client counts: six charts against the number of clients. */
    private static void charts(StringBuilder html, Results results) {
        List<String> families = results.runs().stream()
                .map(RunResult::family)
                .distinct()
                .filter(f -> results.runs().stream()
                                .filter(r -> r.family().equals(f))
                                .map(RunResult::clients)
                                .distinct()
                                .count()
                        > 1)
                .toList();
        for (String family : families) {
            html.append("<h2>Charts: ").append(escape(family)).append(" against clients</h2>\n<div class='charts'>\n");
            html.append(chart(
                    results,
                    family,
                    "Throughput",
                    "messages/s",
                    r -> r.summary().messagesPerSecond().median(),
                    false));
            html.append(chart(
                    results,
                    family,
                    "p99 latency",
                    "microseconds",
                    r -> r.summary().p99Micros().median(),
                    true));
            html.append(chart(
                    results,
                    family,
                    "Peak memory (RSS)",
                    "MiB",
                    r -> r.peakRssKb() < 0 ? Double.NaN : r.peakRssKb() / 1024.0,
                    false));
            html.append(chart(
                    results,
                    family,
                    "Peak threads",
                    "threads",
                    r -> r.peakThreads() < 0 ? Double.NaN : (double) r.peakThreads(),
                    true));
            html.append(chart(
                    results,
                    family,
                    "Server CPU per message",
                    "microseconds",
                    r -> r.summary().cpuMicrosPerMessage().median(),
                    false));
            html.append(chart(
                    results,
                    family,
                    "Fairness (Jain's index)",
                    "index, 1 = even",
                    r -> r.summary().fairness().median(),
                    false));
            html.append("</div>\n");
        }
    }

    private static String chart(
            Results results,
            String family,
            String title,
            String yLabel,
            ToDoubleFunction<RunResult> metric,
            boolean logY) {
        List<SvgChart.Series> series = new ArrayList<>();
        for (int i = 0; i < results.servers().size(); i++) {
            String server = results.servers().get(i);
            List<SvgChart.Point> points = results.runs().stream()
                    .filter(r -> r.engine().equals(server) && r.family().equals(family) && r.measured())
                    .map(r -> new SvgChart.Point(r.clients(), metric.applyAsDouble(r)))
                    .filter(p -> !Double.isNaN(p.y())) // a figure the OS did not give: no point
                    .toList();
            if (!points.isEmpty()) {
                series.add(new SvgChart.Series(server, COLORS.get(i % COLORS.size()), points));
            }
        }
        return "<figure>" + SvgChart.line(title, yLabel, series, logY) + "</figure>\n";
    }

    private static void table(StringBuilder html, List<String> header, List<List<String>> rows, boolean text) {
        html.append(text ? "<table class='text'>" : "<table>").append("<tr>");
        header.forEach(h -> html.append("<th>").append(escape(h)).append("</th>"));
        html.append("</tr>\n");
        for (List<String> row : rows) {
            html.append("<tr>");
            for (String cell : row) {
                String cls = cell.equals("met")
                        ? " class='met'"
                        : cell.equals("missed")
                                ? " class='missed'"
                                : cell.startsWith("mixed") || cell.startsWith("within the spread")
                                        ? " class='mixed'"
                                        : "";
                html.append("<td").append(cls).append('>').append(escape(cell)).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</table>\n");
    }

    /** Text made safe for HTML and SVG. */
    static String escape(String s) {
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("'", "&#39;")
                .replace("\"", "&quot;");
    }
}
