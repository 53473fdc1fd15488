package dev.pipelab.report;

import java.util.List;

/** {@code report.md}: the report in Markdown, the same tables and findings as the page, without charts. */
final class MarkdownReport {

    private MarkdownReport() {}

    static String render(Results results) {
        StringBuilder md = new StringBuilder("# PipeLab engines compared\n\n");
        md.append("`")
                .append(results.title())
                .append("`, ")
                .append(results.generatedAt())
                .append(". ")
                .append(HtmlReport.machineLine(results))
                .append("\n\n")
                .append(HtmlReport.methodLine(results))
                .append("\n\n## Summary\n\n");
        new Findings(results).winners().forEach(w -> md.append("* ").append(w).append('\n'));
        md.append("\n## Performance goals\n\n");
        table(md, ReportTables.GOAL_HEADER, ReportTables.goalRows(results));
        md.append("\n## Workloads\n\n").append(ReportTables.RUN_NOTE).append('\n');
        ReportTables.seamNote(results).ifPresent(n -> md.append('\n').append(n).append('\n'));
        for (String workload : results.workloads()) {
            md.append("\n### ").append(workload).append("\n\n");
            table(md, ReportTables.RUN_HEADER, ReportTables.runRows(results, workload));
            ReportTables.runNotes(results, workload)
                    .forEach(n -> md.append("\n* ").append(n));
            md.append('\n');
        }
        md.append("\n## The engines\n\n");
        table(md, ReportTables.LESSON_HEADER, ReportTables.lessonRows(results));
        return md.toString();
    }

    private static void table(StringBuilder md, List<String> header, List<List<String>> rows) {
        md.append("| ").append(String.join(" | ", header)).append(" |\n|");
        header.forEach(h -> md.append(" --- |"));
        md.append('\n');
        for (List<String> row : rows) {
            md.append("| ")
                    .append(String.join(
                            " | ", row.stream().map(c -> c.replace("|", "\\|")).toList()))
                    .append(" |\n");
        }
    }
}
