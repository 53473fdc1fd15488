package dev.pipelab.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.handler.BuiltInHandlers;
import dev.pipelab.virtual.VirtualPipeServerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both load drivers, each workload the built-in handlers serve, against a real engine over
 * AF_UNIX in this JVM: the threads driver (what {@code compare} uses on Windows) must pass the
 * same checks the selector driver does, and catch the same lies. Ledger runs, which need the
 * ledger handler's module, are in the CLI's {@code CompareCommandTest}.
 */
@Timeout(60)
class WorkloadDriverTest {

    @TempDir
    Path dir;

    static Stream<Arguments> runs() {
        List<Arguments> all = new ArrayList<>();
        for (LoadDriver driver : LoadDriver.values()) {
            for (String workload : List.of(
                    "echo-c10-64B-pingpong",
                    "echo-c4-4KiB-pipelined",
                    "answer-c5",
                    "counter-c5",
                    "broadcast-p4",
                    "churn-c3",
                    "idle-k20-c2")) {
                all.add(Arguments.of(driver, workload));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} driver, {1}")
    @MethodSource("runs")
    void everyReplyIsCheckedAndTheRunIsClean(LoadDriver driver, String name) throws IOException {
        Workload workload = Workload.parse(name);
        DriverReport report;
        try (PipeServer server = start(workload.kind().handler(), null)) {
            report = new WorkloadDriver(settings(server, workload, driver)).run();
        }

        assertThat(report.errors()).as("%s", report.errorSamples()).isZero();
        assertThat(report.connected()).isEqualTo(workload.connections());
        assertThat(report.windows())
                .singleElement()
                .satisfies(w -> assertThat(w.messages())
                        .as("replies verified in the window")
                        .isPositive());
        switch (workload.kind()) {
            case COUNTER -> assertThat(report.verdict()).contains("no update lost");
            case BROADCAST -> assertThat(report.verdict()).contains("exactly once", "one total order");
            default -> assertThat(report.verdict()).isNull();
        }
        assertThat(report.peakThreads()).as("the server's threads, from /proc").isPositive();
        // the threads driver joins every client thread at the end, and counts one not ended in time as an error
    }

    @ParameterizedTest
    @EnumSource(LoadDriver.class)
    void aServerThatCorruptsOneByteIsCaughtByEitherDriver(LoadDriver driver) throws IOException {
        PipeHandler liar = (session, message) -> {
            byte[] reply = message.clone();
            reply[reply.length - 1] ^= 1;
            session.send(reply);
        };
        Workload workload = Workload.parse("echo-c3-64B-pingpong");
        DriverReport report;
        try (PipeServer server = start(null, liar)) {
            report = new WorkloadDriver(settings(server, workload, driver)).run();
        }

        assertThat(report.errors()).isEqualTo(3);
        assertThat(report.errorSamples())
                .allSatisfy(e -> assertThat(e).matches("client \\d: reply 0 differs from the request at byte 63"));
    }

    private WorkloadDriver.Settings settings(PipeServer server, Workload workload, LoadDriver driver) {
        return new WorkloadDriver.Settings(
                server.address(),
                workload,
                ProcessHandle.current().pid(),
                Duration.ofMillis(200),
                Duration.ofMillis(300),
                1,
                Duration.ofSeconds(20),
                0,
                driver);
    }

    private PipeServer start(String handler, PipeHandler custom) throws IOException {
        VirtualPipeServerFactory factory = new VirtualPipeServerFactory();
        PipeServerConfig config =
                PipeServerConfig.builder(dir.resolve("s.sock").toString()).build();
        PipeHandler h = custom != null
                ? custom
                : BuiltInHandlers.create(handler, factory.handlerConcurrency(), config, dir.resolve("counter"));
        return factory.create(config, h).start();
    }
}
