package dev.pipelab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelab.api.PipeAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which server rows a comparison runs on which seams, and how a server's READY line is held to its seam. */
class ComparisonOptionsTest {

    private static final List<Workload> QUICKISH = List.of(
            Workload.parse("echo-c100-64B-pingpong"),
            Workload.broadcast(10),
            Workload.parse("ledger-c100"),
            Workload.parse("churn-c10"),
            Workload.idle(1000, 10));

    private static ComparisonOptions options(ComparisonOptions.Seams seams) {
        return options(seams, QUICKISH);
    }

    private static ComparisonOptions options(ComparisonOptions.Seams seams, List<Workload> workloads) {
        return new ComparisonOptions(
                "pipelab compare",
                ComparisonOptions.ENGINES,
                true,
                workloads,
                Duration.ofMillis(100),
                Duration.ofMillis(100),
                1,
                Path.of("report"),
                LoadDriver.SELECTOR,
                PipeAddress.Kind.UNIX_SOCKET,
                seams);
    }

    @Test
    void everyEngineRunsOnThePreferredSeamAndTheSeamDependentOnesAgainOnEachOther() {
        ComparisonOptions options = options(new ComparisonOptions.Seams(List.of("native", "nio"), Map.of(), true));

        assertThat(options.servers())
                .containsExactly(
                        "threaded",
                        "threaded-nio",
                        "overlapped",
                        "overlapped-nio",
                        "completion",
                        "completion-nio",
                        "virtual",
                        "virtual-nio",
                        "netty",
                        "c-epoll");
        assertThat(options.seamOf("overlapped")).isEqualTo("native");
        assertThat(options.seamOf("threaded")).isEqualTo("native");
        assertThat(options.seamOf("overlapped-nio")).isEqualTo("nio");
        assertThat(options.seamOf("c-epoll")).as("a reference has no seam").isNull();
        assertThat(ComparisonOptions.engineOf("completion-nio")).isEqualTo("completion");
        assertThat(ComparisonOptions.engineOf("c-epoll")).isEqualTo("c-epoll");
        assertThat(options.serversFor(Workload.broadcast(10))).contains("overlapped-nio", "completion-nio");
    }

    @Test
    void anEngineThatPrefersAnotherSeamRunsOnItUnderItsPlainKeyAndOnTheFirstAsAFurtherRow() {
        ComparisonOptions options = options(new ComparisonOptions.Seams(
                List.of("native", "nio"), Map.of(), true, Map.of("threaded", "nio", "virtual", "nio")));

        assertThat(options.servers())
                .containsExactly(
                        "threaded",
                        "threaded-native",
                        "overlapped",
                        "overlapped-nio",
                        "completion",
                        "completion-nio",
                        "virtual",
                        "virtual-native",
                        "netty",
                        "c-epoll");
        assertThat(options.seamOf("threaded")).isEqualTo("nio");
        assertThat(options.seamOf("threaded-native")).isEqualTo("native");
        assertThat(options.seamOf("overlapped")).isEqualTo("native");
        assertThatThrownBy(
                        () -> new ComparisonOptions.Seams(List.of("nio"), Map.of(), true, Map.of("threaded", "native")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("preferred seam must be one of [nio]");
    }

    @Test
    void withOneSeamThereIsOneRowPerEngine() {
        ComparisonOptions options = options(ComparisonOptions.Seams.only("nio"));

        assertThat(options.servers())
                .containsExactly("threaded", "overlapped", "completion", "virtual", "netty", "c-epoll");
        assertThat(options.seamOf("virtual")).isEqualTo("nio");
        assertThat(options.seamRowsNotRun()).isEmpty();
    }

    @Test
    void theQuickMatrixRunsTheFurtherSeamsRowsOnlyWhereTheReferencesRun() {
        ComparisonOptions options = options(new ComparisonOptions.Seams(List.of("native", "nio"), Map.of(), false));

        for (Workload w : QUICKISH) {
            assertThat(options.serversFor(w).contains("overlapped-nio"))
                    .as(w.name())
                    .isEqualTo(w.servedByEcho())
                    .isEqualTo(options.serversFor(w).contains("netty"));
            assertThat(options.serversFor(w)).as(w.name()).contains("overlapped", "completion", "threaded");
        }
        assertThat(options.runCount())
                .as("3 echo-served workloads x 10 servers, 2 others x 4 engines")
                .isEqualTo(3 * 10 + 2 * 4);
    }

    @Test
    void theQuickMatrixOnTwoSeamsIsTwentyFourRunsMoreThanOnOne() {
        ComparisonOptions one = options(ComparisonOptions.Seams.only("nio"), Workload.quick());
        ComparisonOptions two =
                options(new ComparisonOptions.Seams(List.of("native", "nio"), Map.of(), false), Workload.quick());

        assertThat(one.runCount()).isEqualTo(44);
        assertThat(two.runCount())
                .as("each engine's -nio row on the six workloads the references run")
                .isEqualTo(44 + 4 * 6);
    }

    @Test
    void aSeamThatCannotRunHereLeavesItsRowsMissingWithWhy() {
        ComparisonOptions options =
                options(new ComparisonOptions.Seams(List.of("nio"), Map.of("native", "needs JDK 22+"), true));

        assertThat(options.servers()).doesNotContain("overlapped-nio", "overlapped-native");
        assertThat(options.seamRowsNotRun())
                .containsExactly(
                        Map.entry("completion-native", "the native seam cannot run here: needs JDK 22+"),
                        Map.entry("overlapped-native", "the native seam cannot run here: needs JDK 22+"),
                        Map.entry("threaded-native", "the native seam cannot run here: needs JDK 22+"),
                        Map.entry("virtual-native", "the native seam cannot run here: needs JDK 22+"));
    }

    @Test
    void seamsAreNamedOnceEach() {
        assertThatThrownBy(() -> new ComparisonOptions.Seams(List.of("nio", "nio"), Map.of(), true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ComparisonOptions.Seams(List.of(), Map.of(), true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aServersReadyLineMustNameTheSeamAskedFor() throws IOException {
        assertThat(ServerProcess.seamOf("READY overlapped /tmp/s.sock handler=echo seam=nio", "nio"))
                .isEqualTo("nio");
        assertThat(ServerProcess.seamOf(
                        "READY virtual /tmp/s.sock handler=ledger[/tmp/l.db, commit=group, requests=0] seam=native",
                        null))
                .isEqualTo("native");
        assertThatThrownBy(() -> ServerProcess.seamOf("READY overlapped /tmp/s.sock handler=echo seam=native", "nio"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("asked for seam nio, the server runs on seam native");
        assertThatThrownBy(() -> ServerProcess.seamOf("READY overlapped /tmp/s.sock handler=echo", "nio"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("names no seam");
    }
}
