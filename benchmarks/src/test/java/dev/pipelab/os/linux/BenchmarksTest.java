package dev.pipelab.os.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Collection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Each benchmark measures what it says it does, and JMH's generated harness runs them. */
class BenchmarksTest {

    @BeforeEach
    void onLinux() {
        assumeTrue(new LinuxPipeSystemProvider().isAvailable(), "the native seam cannot run here");
    }

    @Test
    void eachSocketCallMovesTheWholeMessageFromOneEndToTheOther() throws Throwable {
        SocketCallBenchmark bench = new SocketCallBenchmark();
        SocketCallBenchmark.Nio nio = new SocketCallBenchmark.Nio();
        SocketCallBenchmark.Descriptors fds = new SocketCallBenchmark.Descriptors();
        nio.open();
        fds.open();
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(bench.nio(nio)).isEqualTo(SocketCallBenchmark.BYTES);
                assertThat(bench.ffm(fds)).isEqualTo(SocketCallBenchmark.BYTES);
                assertThat(bench.ffmLibc(fds)).isEqualTo(SocketCallBenchmark.BYTES);
                assertThat(bench.jna(fds)).isEqualTo(SocketCallBenchmark.BYTES);
            }
        } finally {
            nio.close();
            fds.close();
        }
    }

    @Test
    void levelTriggeredReportsEveryReadySocketEachWaitEdgeTriggeredNone() throws Exception {
        EpollWaitBenchmark bench = new EpollWaitBenchmark();
        bench.sockets = 10;
        bench.open();
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(bench.levelTriggered()).isEqualTo(10);
                assertThat(bench.edgeTriggered()).isZero();
                assertThat(bench.nioSelectNow()).isEqualTo(10);
            }
        } finally {
            bench.close();
        }
    }

    @Test
    void jmhRunsEveryBenchmark() throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                        .include("dev\\.pipelab\\.os\\.linux\\..*Benchmark")
                        .param("sockets", "10")
                        .forks(0)
                        .warmupIterations(0)
                        .measurementIterations(1)
                        .measurementTime(TimeValue.milliseconds(50))
                        .shouldFailOnError(true)
                        .build())
                .run();
        assertThat(results)
                .extracting(r -> r.getParams().getBenchmark().replaceAll(".*\\.", ""))
                .containsExactlyInAnyOrder(
                        "nio", "ffm", "ffmLibc", "jna", "levelTriggered", "edgeTriggered", "nioSelectNow");
        assertThat(results)
                .allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    }
}
