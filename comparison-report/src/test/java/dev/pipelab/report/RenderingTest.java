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
        assertThat(md).contains("## Summary", "## Performance goals", "| server | seam | msg/s |");
        long rows = md.lines()
                .filter(l ->
                        l.matches("\\| (threaded|overlapped|completion|virtual|netty) \\| (native|nio|-) \\| [0-9].*"))
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
        assertThat(goal(
                        withC(),
                        NettyEchoServer.KEY,
                        "overlapped at or above Netty",
                        new Spread(120, 115, 125),
                        new Spread(4, 3.9, 4.1),
                        nettyRate,
                        cpu))
                .isEqualTo("met");
        assertThat(goal(
                        withC(),
                        NettyEchoServer.KEY,
                        "overlapped at or above Netty",
                        new Spread(98, 92, 104),
                        cpu,
                        nettyRate,
                        cpu))
                .isEqualTo("within the spread: short by the medians, the ranges overlap");
        assertThat(goal(
                        withC(),
                        NettyEchoServer.KEY,
                        "overlapped at or above Netty",
                        new Spread(80, 75, 85),
                        cpu,
                        nettyRate,
                        cpu))
                .isEqualTo("missed");
    }

    @Test
    void theGoalAgainstCIsNineTenthsOfItsRateAtSixFifthsOfItsCpu() {
        Spread cRate = new Spread(100, 95, 105);
        Spread cCpu = new Spread(5, 4.8, 5.2);
        String goal = "completion at 0.9x or more of the C epoll server's msg/s";
        assertThat(goal(
                        withC(),
                        CEpollEchoServer.KEY,
                        goal,
                        new Spread(92, 91, 93),
                        new Spread(5.9, 5.8, 6),
                        cRate,
                        cCpu))
                .isEqualTo("met");
        assertThat(goal(
                        withC(),
                        CEpollEchoServer.KEY,
                        goal,
                        new Spread(92, 91, 93),
                        new Spread(6.5, 6.3, 6.7),
                        cRate,
                        cCpu))
                .as("1.3x the CPU in every repetition")
                .isEqualTo("missed");
        assertThat(goal(withC(), CEpollEchoServer.KEY, goal, new Spread(88, 84, 90), cCpu, cRate, cCpu))
                .as("0.88x by the medians; its best (90) is above 0.9 of C's worst (85.5)")
                .isEqualTo("within the spread: short by the medians, the ranges overlap");
        assertThat(goal(results, CEpollEchoServer.KEY, goal, cRate, cCpu, cRate, cCpu))
                .as("no C rows")
                .isEqualTo("not measured");
    }

    @Test
    void eachEchoTableGivesEveryServerAgainstEachReference() {
        Results both = withC();
        String notes = String.join("\n", ReportTables.runNotes(both, "echo-c1000-64B-pingpong"));
        assertThat(notes).contains("against netty: ", "against c-epoll: ");
        RunResult overlapped = both.run("overlapped", "echo-c1000-64B-pingpong").orElseThrow();
        RunResult c = both.run(CEpollEchoServer.KEY, "echo-c1000-64B-pingpong").orElseThrow();
        assertThat(notes)
                .contains("overlapped "
                        + Format.ratio(overlapped.summary().messagesPerSecond().median()
                                / c.summary().messagesPerSecond().median())
                        + " msg/s");
    }

    @Test
    void aReferenceThatCouldNotBeBuiltSaysWhyUnderEachEchoTable() {
        Results noCompiler = rebuilt(
                results,
                withC().servers(),
                java.util.Map.of(CEpollEchoServer.KEY, "no C compiler to build it (cc: not found)"),
                results.runs());
        for (String workload : noCompiler.workloads()) {
            assertThat(ReportTables.runNotes(noCompiler, workload))
                    .contains("c-epoll: n/a: no C compiler to build it (cc: not found)");
        }
        assertThat(new Findings(noCompiler)
                        .goals().stream()
                                .filter(g -> g.goal().contains("C epoll server"))
                                .map(Findings.Goal::verdict))
                .containsOnly("not measured");
    }

    /** The fixture with a C row beside each Netty run, measuring what Netty did. */
    private static Results withC() {
        List<RunResult> runs = new java.util.ArrayList<>(results.runs());
        results.runs().stream()
                .filter(r -> r.engine().equals(NettyEchoServer.KEY))
                .map(r -> renamed(r, CEpollEchoServer.KEY))
                .forEach(runs::add);
        List<String> servers = new java.util.ArrayList<>(results.servers());
        servers.add(CEpollEchoServer.KEY);
        return rebuilt(results, servers, results.missing(), runs);
    }

    private static RunResult renamed(RunResult r, String engine) {
        return copy(r, engine, r.workload(), r.family(), r.kbPerConnection(), r.heapKbPerConnection(), r.summary());
    }

    /**
     * The verdict of the goal starting {@code goalPrefix} when every echo run from 100 clients up
     * measured these spreads: the goal's engine {@code rate} and {@code cpu}, {@code reference} the others.
     */
    private static String goal(
            Results base, String reference, String goalPrefix, Spread rate, Spread cpu, Spread refRate, Spread refCpu) {
        String engine = goalPrefix.substring(0, goalPrefix.indexOf(' '));
        List<RunResult> runs = base.runs().stream()
                .map(r -> !r.workload().startsWith("echo-") || r.clients() < 100
                        ? r
                        : r.engine().equals(engine)
                                ? withSummary(r, rate, cpu)
                                : r.engine().equals(reference) ? withSummary(r, refRate, refCpu) : r)
                .toList();
        Results changed = rebuilt(base, base.servers(), base.missing(), runs);
        return new Findings(changed)
                .goals().stream()
                        .filter(g -> g.goal().startsWith(goalPrefix))
                        .findFirst()
                        .orElseThrow()
                        .verdict();
    }

    private static RunResult withSummary(RunResult r, Spread rate, Spread cpu) {
        RunResult.Summary s = r.summary();
        return copy(
                r,
                r.engine(),
                r.workload(),
                r.family(),
                r.kbPerConnection(),
                r.heapKbPerConnection(),
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
                        : copy(r, r.engine(), r.workload(), r.family(), rssKib, heapKib, r.summary()))
                .toList();
        return rebuilt(results, results.servers(), results.missing(), runs);
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
                .map(r -> copy(
                        r,
                        r.engine(),
                        "broadcast-p10",
                        "broadcast",
                        r.kbPerConnection(),
                        r.heapKbPerConnection(),
                        r.summary()))
                .toList();
        Results withBroadcast = rebuilt(results, results.servers(), results.missing(), broadcast);

        assertThat(MarkdownReport.render(withBroadcast)).contains("* netty: n/a: the reference is an echo server");
        assertThat(MarkdownReport.render(results)).doesNotContain("n/a");
    }

    @Test
    void anEngineOnAFurtherSeamHasItsOwnRowRatiosAndGoals() {
        List<RunResult> runs = new java.util.ArrayList<>();
        for (RunResult r : results.runs()) {
            boolean engine = !ComparisonOptions.REFERENCES.contains(r.engine());
            runs.add(onSeam(r, r.engine(), engine ? "native" : null));
            if (r.engine().equals("overlapped")) {
                runs.add(onSeam(r, "overlapped-nio", "nio"));
            }
        }
        List<String> servers = new java.util.ArrayList<>(results.servers());
        servers.add(servers.indexOf("overlapped") + 1, "overlapped-nio");
        Results twoSeams = rebuilt(results, servers, results.missing(), runs);

        String md = MarkdownReport.render(twoSeams);
        assertThat(md)
                .contains("| overlapped | native | ", "| overlapped-nio | nio | ", "| netty | - | ")
                .contains(ReportTables.SEAM_NOTE);
        assertThat(CsvReport.render(twoSeams).lines()).anyMatch(l -> l.startsWith("overlapped-nio,nio,"));
        assertThat(String.join("\n", ReportTables.runNotes(twoSeams, "echo-c1000-64B-pingpong")))
                .contains("against netty: ")
                .contains("overlapped-nio ");
        List<Findings.Goal> goals = new Findings(twoSeams).goals();
        assertThat(goals)
                .filteredOn(g -> g.goal().startsWith("overlapped-nio at or above Netty"))
                .singleElement()
                .satisfies(g -> {
                    assertThat(g.goal()).endsWith("(on the nio seam)");
                    assertThat(g.measured()).contains("msg/s vs netty: echo-");
                    assertThat(g.verdict()).isNotEqualTo("not measured");
                });
        assertThat(goals)
                .filteredOn(g -> g.goal().startsWith("overlapped at or above Netty"))
                .singleElement()
                .satisfies(g -> assertThat(g.goal()).endsWith("(on the native seam)"));
        assertThat(EngineLesson.of(List.of("overlapped-nio"), null))
                .singleElement()
                .satisfies(l -> {
                    assertThat(l.className()).isEqualTo("OverlappedPipeServer");
                    assertThat(l.threadModel()).contains("Here on the nio seam");
                });
        assertThat(MarkdownReport.render(results))
                .as("results from before there were seams: a dash, no note")
                .contains("| overlapped | - | ")
                .doesNotContain(ReportTables.SEAM_NOTE);
    }

    private static RunResult onSeam(RunResult r, String engine, String seam) {
        return copy(
                r, engine, seam, r.workload(), r.family(), r.kbPerConnection(), r.heapKbPerConnection(), r.summary());
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

    /** {@code base} with other servers, missing servers and runs. */
    private static Results rebuilt(
            Results base, List<String> servers, java.util.Map<String, String> missing, List<RunResult> runs) {
        return new Results(
                base.title(),
                base.generatedAt(),
                base.machine(),
                base.settings(),
                servers,
                missing,
                base.lessons(),
                runs);
    }

    /** {@code r} with these fields changed. */
    private static RunResult copy(
            RunResult r,
            String engine,
            String workload,
            String family,
            double kbPerConnection,
            double heapKbPerConnection,
            RunResult.Summary summary) {
        return copy(r, engine, r.seam(), workload, family, kbPerConnection, heapKbPerConnection, summary);
    }

    /** {@code r} with these fields changed, its seam too. */
    private static RunResult copy(
            RunResult r,
            String engine,
            String seam,
            String workload,
            String family,
            double kbPerConnection,
            double heapKbPerConnection,
            RunResult.Summary summary) {
        return new RunResult(
                engine,
                seam,
                workload,
                family,
                r.clients(),
                r.connections(),
                r.errors(),
                r.errorSamples(),
                r.verdict(),
                r.peakRssKb(),
                r.peakThreads(),
                kbPerConnection,
                heapKbPerConnection,
                r.windows(),
                summary);
    }
}
