package dev.pipelab.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelab.report.Statistics.Spread;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renders the report from a fixed {@code results.json} (a real run: overlapped, threaded and Netty). */
class RenderingTest {

    private static Results results;

    @TempDir
    Path dir;

    @BeforeAll
    static void readFixture() throws Exception {
        results = Results.read(fixture());
    }

    private static Path fixture() throws URISyntaxException {
        return Path.of(RenderingTest.class.getResource("/results.json").toURI());
    }

    @Test
    void resultsSurviveAWriteAndARead() throws Exception {
        results.write(dir.resolve("again.json"));
        assertThat(Results.read(dir.resolve("again.json"))).isEqualTo(results);
    }

    @Test
    void thePageIsSelfContainedAndHoldsEveryServerWorkloadAndChart() {
        String html = HtmlReport.render(results);
        assertThat(html)
                .startsWith("<!DOCTYPE html>")
                .contains(
                        "<svg",
                        "Throughput",
                        "p99 latency",
                        "Peak threads",
                        "Server CPU per message",
                        "Fairness",
                        "Performance goals",
                        "The engines");
        // Nothing is fetched: the only URL is the SVG namespace, which is a name, not a link.
        assertThat(html.replace("http://www.w3.org/2000/svg", ""))
                .doesNotContain("http://", "https://", "<script", "<link");
        for (String workload : results.workloads()) {
            assertThat(html).contains("<h3>" + workload + "</h3>");
        }
        for (String server : results.servers()) {
            assertThat(html).contains("<td>" + server + "</td>");
        }
    }

    @Test
    void markdownHasATableRowPerRun() {
        String md = MarkdownReport.render(results);
        assertThat(md).contains("## Summary", "## Performance goals", "| server | msg/s |");
        long rows = md.lines()
                .filter(l -> l.matches("\\| (threaded|overlapped|completion|virtual|netty) \\| [0-9].*"))
                .count();
        assertThat(rows).isEqualTo(results.runs().size());
    }

    @Test
    void csvHasARowPerMeasuredWindow() {
        String csv = CsvReport.render(results);
        int windows = results.runs().stream()
                .mapToInt(r -> Math.max(1, r.windows().size()))
                .sum();
        assertThat(csv.lines()).hasSize(1 + windows).first().isEqualTo(CsvReport.HEADER);
    }

    @Test
    void theSummaryNamesAWinnerPerWorkloadWithItsLead() {
        assertThat(new Findings(results).winners())
                .hasSize(results.workloads().size())
                .allMatch(line -> line.contains(" leads with ") && line.contains("x of "));
    }

    @Test
    void theNettyGoalTellsAShortfallWithinTheSpreadFromAClearOne() {
        Spread nettyRate = new Spread(100, 90, 110);
        Spread cpu = new Spread(5, 4.5, 5.5);
        assertThat(nettyGoal(new Spread(120, 115, 125), new Spread(4, 3.9, 4.1), nettyRate, cpu))
                .isEqualTo("met");
        assertThat(nettyGoal(new Spread(98, 92, 104), cpu, nettyRate, cpu))
                .isEqualTo("within the spread: short by the medians, the ranges overlap");
        assertThat(nettyGoal(new Spread(80, 75, 85), cpu, nettyRate, cpu)).isEqualTo("missed");
    }

    /** The overlapped goal's verdict when every echo run from 100 clients up measured these spreads. */
    private static String nettyGoal(Spread rate, Spread cpu, Spread nettyRate, Spread nettyCpu) {
        List<RunResult> runs = results.runs().stream()
                .map(r -> !r.workload().startsWith("echo-") || r.clients() < 100
                        ? r
                        : r.engine().equals("overlapped")
                                ? withSummary(r, rate, cpu)
                                : r.engine().equals(NettyEchoServer.KEY) ? withSummary(r, nettyRate, nettyCpu) : r)
                .toList();
        Results changed = new Results(
                results.title(),
                results.generatedAt(),
                results.machine(),
                results.settings(),
                results.servers(),
                results.lessons(),
                runs);
        return new Findings(changed)
                .goals().stream()
                        .filter(g -> g.goal().startsWith("overlapped at or above Netty"))
                        .findFirst()
                        .orElseThrow()
                        .verdict();
    }

    private static RunResult withSummary(RunResult r, Spread rate, Spread cpu) {
        RunResult.Summary s = r.summary();
        return new RunResult(
                r.engine(),
                r.workload(),
                r.family(),
                r.clients(),
                r.connections(),
                r.errors(),
                r.errorSamples(),
                r.verdict(),
                r.peakRssKb(),
                r.peakThreads(),
                r.kbPerConnection(),
                r.heapKbPerConnection(),
                r.windows(),
                new RunResult.Summary(
                        rate, s.p50Micros(), s.p99Micros(), s.p999Micros(), cpu, s.fairness(), s.slowestShare()));
    }

    @Test
    void theIdleMemoryGoalIsMetOnlyWhenLiveHeapAndResidentMemoryBothMeetIt() {
        assertThat(idleGoal(idleRuns(1.5, 6.0), "overlapped")).isEqualTo("met");
        assertThat(idleGoal(idleRuns(1.5, 9.0), "overlapped"))
                .isEqualTo("mixed: met by live heap, missed by resident memory");
        assertThat(idleGoal(idleRuns(9.0, 12.0), "overlapped")).isEqualTo("missed");
        assertThat(idleGoal(idleRuns(Double.NaN, 6.0), "overlapped"))
                .isEqualTo("met by resident memory; live heap not measured");
    }

    /** The fixture with every idle run set to {@code heapKib} and {@code rssKib} per connection. */
    private static Results idleRuns(double heapKib, double rssKib) {
        List<RunResult> runs = results.runs().stream()
                .map(r -> !r.workload().startsWith("idle-")
                        ? r
                        : new RunResult(
                                r.engine(),
                                r.workload(),
                                r.family(),
                                r.clients(),
                                r.connections(),
                                r.errors(),
                                r.errorSamples(),
                                r.verdict(),
                                r.peakRssKb(),
                                r.peakThreads(),
                                rssKib,
                                heapKib,
                                r.windows(),
                                r.summary()))
                .toList();
        return new Results(
                results.title(),
                results.generatedAt(),
                results.machine(),
                results.settings(),
                results.servers(),
                results.lessons(),
                runs);
    }

    private static String idleGoal(Results results, String engine) {
        return new Findings(results)
                .goals().stream()
                        .filter(g -> g.goal().startsWith(engine + ": at most 8 KB"))
                        .findFirst()
                        .orElseThrow()
                        .verdict();
    }

    @Test
    void aWorkloadTheReferenceCannotServeSaysWhyItHasNoRow() {
        List<RunResult> broadcast = results.runs().stream()
                .filter(r -> r.workload().equals("echo-c100-64B-pingpong")
                        && !r.engine().equals(NettyEchoServer.KEY))
                .map(r -> new RunResult(
                        r.engine(),
                        "broadcast-p10",
                        "broadcast",
                        r.clients(),
                        r.connections(),
                        r.errors(),
                        r.errorSamples(),
                        r.verdict(),
                        r.peakRssKb(),
                        r.peakThreads(),
                        r.kbPerConnection(),
                        r.heapKbPerConnection(),
                        r.windows(),
                        r.summary()))
                .toList();
        Results withBroadcast = new Results(
                results.title(),
                results.generatedAt(),
                results.machine(),
                results.settings(),
                results.servers(),
                results.lessons(),
                broadcast);

        assertThat(MarkdownReport.render(withBroadcast)).contains("* netty: n/a: the reference is an echo server");
        assertThat(MarkdownReport.render(results)).doesNotContain("n/a");
    }

    @Test
    void everyFileIsWritten() throws Exception {
        ComparisonReport.write(results, dir);
        for (String file : new String[] {
            ComparisonReport.HTML, ComparisonReport.MARKDOWN, ComparisonReport.JSON, ComparisonReport.CSV
        }) {
            assertThat(Files.size(dir.resolve(file))).as(file).isPositive();
        }
    }
}
