package dev.pipelab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pipelab.api.inject.PipeEngines;
import dev.pipelab.spi.os.PipeSystemProvider;
import dev.pipelab.spi.os.PipeSystems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code serve} and {@code send} as a user runs them: separate processes, signals, exit codes. */
@Timeout(120)
class CliProcessTest {

    private static final long WAIT_SECONDS = 30;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** {@code pipelab serve} of {@code strategy} at {@code socket} with {@code handler} and its options. */
    private Process serve(String strategy, Path socket, String handler, String... handlerOptions) throws IOException {
        List<String> args = new ArrayList<>(
                List.of("serve", "--strategy", strategy, "--pipe", socket.toString(), "--handler", handler));
        args.addAll(List.of(handlerOptions));
        return pipelab(args.toArray(String[]::new));
    }

    private Process pipelab(String... args) throws IOException {
        return pipelab(java.util.Map.of(), args);
    }

    /** Starts the CLI in a new JVM with {@code env} added; its output goes to files beside it. */
    private Process pipelab(java.util.Map<String, String> env, String... args) throws IOException {
        return pipelab(System.getProperty("java.class.path"), env, args);
    }

    /** As {@link #pipelab(java.util.Map, String...)}, with the class path given. */
    private Process pipelab(String classPath, java.util.Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED",
                "-Dguice_bytecode_gen_option=DISABLED",
                "-cp",
                classPath,
                PipeLabCommand.class.getName()));
        command.addAll(List.of(args));
        int n = processes.size();
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("out-" + n).toFile())
                .redirectError(dir.resolve("err-" + n).toFile());
        pb.environment().remove("PIPELAB_STRATEGY");
        pb.environment().remove(SeamChoice.ENV);
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private Path out(Process p) {
        return dir.resolve("out-" + processes.indexOf(p));
    }

    private Path err(Process p) {
        return dir.resolve("err-" + processes.indexOf(p));
    }

    /** Waits for the first line of {@code p}'s output. */
    private String firstLine(Process p) {
        return await().atMost(WAIT_SECONDS, TimeUnit.SECONDS)
                .until(
                        () -> Files.readString(out(p)).lines().findFirst().orElse(null),
                        line -> line != null || !p.isAlive());
    }

    private Result finish(Process p) throws Exception {
        assertThat(p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS))
                .as("process ended")
                .isTrue();
        return new Result(p.exitValue(), Files.readString(out(p)), Files.readString(err(p)));
    }

    private record Result(int exit, String out, String err) {}

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"threaded", "overlapped", "completion", "virtual"})
    void serveAndSendWorkFromTwoShells(String strategy) throws Exception {
        Path socket = dir.resolve("cli.sock");
        Process serve =
                pipelab("serve", "--strategy", strategy, "--pipe", socket.toString(), "--max-message-bytes", "16");
        String ready = firstLine(serve);
        assertThat(ready)
                .startsWith("READY " + strategy + " " + socket + " handler=echo")
                .as("the seam chosen by itself: the available one the engine's I/O style prefers")
                .endsWith(" seam="
                        + PipeSystems.select(PipeEngines.ioStyle(strategy).orElseThrow())
                                .name());

        Result sent = finish(pipelab("send", "--pipe", socket.toString(), "hello", "second message"));
        assertThat(sent.exit()).as(sent.err()).isZero();
        assertThat(sent.out().lines()).containsExactly("hello", "second message");

        Result refused = finish(pipelab("send", "--pipe", socket.toString(), "seventeen bytes!!"));
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("server error: message of 17 bytes exceeds maxMessageBytes=16");

        serve.destroy(); // SIGTERM: a graceful stop
        Result stopped = finish(serve);
        assertThat(stopped.exit()).as(stopped.err()).isZero();
        assertThat(stopped.out()).contains("stopped");
        assertThat(Files.exists(socket)).as("socket removed").isFalse();
    }

    @ParameterizedTest(name = "strategy from the {0}")
    @ValueSource(strings = {"config", "environment", "flag"})
    void strategyComesFromAConfigFileOrTheEnvironment(String source) throws Exception {
        Path socket = dir.resolve("conf.sock");
        Path config = dir.resolve("pipelab.properties");
        Files.writeString(config, "pipe=" + socket + "\nstrategy=threaded\nhandler=answer\n");
        java.util.Map<String, String> env = source.equals("config")
                ? java.util.Map.of()
                : java.util.Map.of("PIPELAB_STRATEGY", "virtual"); // the environment beats the file
        Process serve = source.equals("flag")
                ? pipelab(env, "serve", "--config", config.toString(), "--strategy", "threaded") // the flag beats both
                : pipelab(env, "serve", "--config", config.toString());
        String expected = source.equals("environment") ? "virtual" : "threaded";
        assertThat(firstLine(serve))
                .startsWith("READY " + expected + " " + socket)
                .contains("handler=answer");
        Result sent = finish(pipelab("send", "--pipe", socket.toString(), "anything"));
        assertThat(sent.out().strip()).isEqualTo("Default answer from server");
        serve.destroy();
        assertThat(finish(serve).exit()).isZero();
    }

    /**
     * The seam, as the strategy: {@code --seam} beats {@code PIPELAB_SEAM}, which beats the config
     * file's {@code seam}, which beats the automatic choice; the READY line names the one the
     * engine runs on. Needs two seams that can run here (native and nio: Linux, JDK 22+).
     */
    @ParameterizedTest(name = "seam from the {0}")
    @ValueSource(strings = {"config", "environment", "flag"})
    void theSeamComesFromTheFlagTheEnvironmentOrTheConfigFile(String source) throws Exception {
        PipeSystemProvider nativeSeam = PipeSystems.named("native");
        assumeTrue(
                nativeSeam.isAvailable(),
                () -> "needs the native seam beside nio: "
                        + nativeSeam.unavailabilityCause().orElseThrow());
        Path socket = dir.resolve("seam.sock");
        Path config = dir.resolve("seam.properties");
        Files.writeString(config, "pipe=" + socket + "\nstrategy=overlapped\nseam=nio\n");
        java.util.Map<String, String> env =
                source.equals("config") ? java.util.Map.of() : java.util.Map.of(SeamChoice.ENV, "native");
        Process serve = source.equals("flag")
                ? pipelab(env, "serve", "--config", config.toString(), "--seam", "nio")
                : pipelab(env, "serve", "--config", config.toString());
        String expected = source.equals("environment") ? "native" : "nio";
        assertThat(firstLine(serve)).startsWith("READY overlapped " + socket).endsWith(" seam=" + expected);
        Result sent = finish(pipelab("send", "--pipe", socket.toString(), "over " + expected));
        assertThat(sent.out().strip()).isEqualTo("over " + expected);
        serve.destroy();
        assertThat(finish(serve).exit()).isZero();
    }

    @Test
    void aConfigFileNamingASeamThatCannotRunHereFailsWithItsCause() throws Exception {
        assumeTrue(!System.getProperty("os.name").startsWith("Windows"), "here the Windows seam can run");
        Path config = dir.resolve("windows.properties");
        Files.writeString(config, "pipe=" + dir.resolve("w.sock") + "\nseam=windows\n");
        Result serve = finish(pipelab("serve", "--config", config.toString()));
        assertThat(serve.exit()).isEqualTo(1);
        assertThat(serve.err()).startsWith("pipelab serve: seam windows: not available: this is ");
        assertThat(serve.out()).doesNotContain("READY");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"threaded", "overlapped"})
    void theCounterKeepsItsTotalInItsFile(String strategy) throws Exception {
        Path socket = dir.resolve("count.sock");
        Path file = dir.resolve("total");
        Process serve = serve(strategy, socket, "counter", "--counter-file", file.toString());
        assertThat(firstLine(serve)).contains("handler=counter");
        Result sent = finish(pipelab("send", "--pipe", socket.toString(), "5", "-2", "+10"));
        assertThat(sent.out().lines()).containsExactly("5", "3", "13");
        serve.destroy();
        assertThat(finish(serve).exit()).isZero();
        assertThat(Files.readString(file).strip()).isEqualTo("13");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"virtual", "completion"})
    void theLedgerServesFromTheCommandLineAndKeepsItsFileAcrossARestart(String strategy) throws Exception {
        Path socket = dir.resolve("ledger.sock");
        Path file = dir.resolve("books.db");
        for (String commit : new String[] {"per-request", "group"}) {
            Process serve =
                    serve(strategy, socket, "ledger", "--ledger-file", file.toString(), "--ledger-commit", commit);
            assertThat(firstLine(serve)).contains("handler=ledger[" + file).contains("commit=" + commit);
            Result sent = commit.equals("per-request")
                    ? finish(pipelab(
                            "send", "--pipe", socket.toString(), "open a 10", "open b 0", "transfer a b 4", "bad"))
                    : finish(pipelab("send", "--pipe", socket.toString(), "show 1", "balance a", "count"));
            assertThat(sent.out().lines())
                    .containsExactlyElementsOf(
                            commit.equals("per-request")
                                    ? List.of(
                                            "ok",
                                            "ok",
                                            "ok 1",
                                            "error: unknown verb 'bad'; the verbs are open, transfer, balance, show,"
                                                    + " total, count, syncs")
                                    : List.of("a b 4", "6", "1"));
            serve.destroy();
            assertThat(finish(serve).exit()).isZero();
        }
    }

    /**
     * On a machine with no seam for its OS (here: the Unix seam left off the class path, and
     * only a provider that is never available on it), every command says which engine is not
     * available and why, and exits 1, instead of failing inside Guice.
     */
    @Test
    void withoutASeamForThisOsEveryCommandSaysNotAvailableAndWhy() throws Exception {
        String withoutUnixSeam = java.util.Arrays.stream(
                        System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                // the native seam too, which stands on the Unix seam's classes (and would claim Linux)
                .filter(entry -> !entry.contains("os-unix") && !entry.contains("os-linux"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        // every seam found says why it cannot run: the stand-in OS, and Windows (the jar is there too)
        String why = "not available: test-os: " + NoSeamForThisOs.CAUSE + "; windows: this is "
                + System.getProperty("os.name") + ", not Windows; its pipes are the Unix seam's AF_UNIX sockets";

        Result serve = finish(pipelab(
                withoutUnixSeam,
                java.util.Map.of(),
                "serve",
                "--strategy",
                "overlapped",
                "--pipe",
                dir.resolve("none.sock").toString()));
        assertThat(serve.exit()).as(serve.err()).isEqualTo(1);
        assertThat(serve.err().strip()).isEqualTo("pipelab serve: overlapped: " + why);

        Result demo = finish(pipelab(withoutUnixSeam, java.util.Map.of(), "demo"));
        assertThat(demo.exit()).as(demo.err()).isEqualTo(1);
        assertThat(demo.out().lines().filter(line -> line.contains("not available")))
                .containsExactly(
                        "threaded    " + why, "overlapped  " + why, "completion  " + why, "virtual     " + why);
        assertThat(demo.err()).doesNotContain("Exception");

        Result compare = finish(pipelab(
                withoutUnixSeam,
                java.util.Map.of(),
                "compare",
                "--quick",
                "--out",
                dir.resolve("report").toString()));
        assertThat(compare.exit()).as(compare.err()).isEqualTo(1);
        assertThat(compare.err().lines())
                .containsExactly(
                        "threaded: " + why,
                        "overlapped: " + why,
                        "completion: " + why,
                        "virtual: " + why,
                        "pipelab compare: no engine can run here");
    }
}
