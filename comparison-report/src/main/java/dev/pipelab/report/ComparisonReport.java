package dev.pipelab.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The comparison from start to finish: run everything, then write {@code results.json}, {@code results.csv}, {@code report.md} and {@code index.html}. */
public final class ComparisonReport {

    /** The files a report consists of. */
    public static final String JSON = "results.json";
    /** Every number, one row per run. */
    public static final String CSV = "results.csv";
    /** The report in Markdown. */
    public static final String MARKDOWN = "report.md";
    /** The report as one self-contained page. */
    public static final String HTML = "index.html";

    private ComparisonReport() {}

    /** Runs {@code options} and writes the report; returns the results. */
    public static Results run(ComparisonOptions options, Progress progress) throws IOException, InterruptedException {
        Results results = new ComparisonRunner(options, progress).run();
        write(results, options.out());
        return results;
    }

    /** Writes every file of the report for {@code results} into {@code dir}. */
    public static void write(Results results, Path dir) throws IOException {
        Files.createDirectories(dir);
        results.write(dir.resolve(JSON));
        Files.writeString(dir.resolve(CSV), CsvReport.render(results), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(MARKDOWN), MarkdownReport.render(results), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(HTML), HtmlReport.render(results), StandardCharsets.UTF_8);
    }
}
