package dev.pipelab.os.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Checks {@link StandInKernel32} against Wine's real named pipes: compiles {@code
 * src/test/c/pipe_oracle.c} with mingw-w64, runs it under Wine (a prefix under {@code target/}),
 * runs the same scenarios ({@link OracleScenarios}) on the stand-in, and compares the two, line by
 * line. The only differences allowed are the {@link #KNOWN_DIVERGENCES}: places where Wine
 * answers otherwise than Microsoft's documentation, and the stand-in follows the documentation.
 *
 * <p>Skipped (not failed) where mingw-w64 or Wine is not installed. The first run creates the
 * Wine prefix (about 12 s); later runs take a few seconds.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WineOracleTest {

    private static final Path SOURCE = Path.of("src", "test", "c", "pipe_oracle.c");
    private static final Path WORK = Path.of("target", "wine-oracle");
    private static final Duration COMPILE_LIMIT = Duration.ofMinutes(2);
    private static final Duration RUN_LIMIT = Duration.ofMinutes(3);

    /** A line where Wine's answer and the stand-in's differ on purpose, and why. */
    record Divergence(String wine, String standIn, String why) {}

    static final List<Divergence> KNOWN_DIVERGENCES = List.of(
            new Divergence(
                    "waits: duplicate ret=258",
                    "waits: duplicate ret=-1 err=87",
                    "WaitForMultipleObjects: the array 'may not contain multiple copies of the same handle';"
                            + " Wine waits anyway, the stand-in refuses, so that a seam doing it is caught"),
            new Divergence(
                    "cancel: CancelIoEx all, none pending ret=1",
                    "cancel: CancelIoEx all, none pending ret=0 err=1168",
                    "CancelIoEx: 'If this function cannot find a request to cancel, the return value is 0"
                            + " and GetLastError returns ERROR_NOT_FOUND'; Wine returns TRUE for a null"
                            + " OVERLAPPED"),
            new Divergence(
                    "apc-first: WaitForSingleObjectEx ret=0",
                    "apc-first: WaitForSingleObjectEx ret=192",
                    "Alertable I/O: a thread entering an alertable wait runs the routines in its APC queue"
                            + " and then returns; Wine reports the signalled event first and leaves the"
                            + " routine queued"),
            new Divergence(
                    "apc-first: SleepEx ret=192",
                    "apc-first: SleepEx ret=0",
                    "follows from the line before: on the stand-in the routine has already run"),
            new Divergence(
                    "close-connect: internal=0x8000000a bytes=0",
                    "close-connect: internal=0xc000014b bytes=0",
                    "not documented; Wine completes a connect whose handle closes with its generic"
                            + " STATUS_HANDLES_CLOSED warning, the stand-in with STATUS_PIPE_BROKEN as the"
                            + " reads and writes of a closed instance (and as NPFS does)"),
            new Divergence(
                    "iocp-close: waiter ret=0 err=258",
                    "iocp-close: waiter ret=0 err=735",
                    "GetQueuedCompletionStatus(Ex): a port closed while a call is outstanding makes it"
                            + " return FALSE with ERROR_ABANDONED_WAIT_0; Wine lets the wait time out"),
            new Divergence(
                    "busy: WaitNamedPipe fresh instance ret=1",
                    "busy: WaitNamedPipe fresh instance ret=0 err=121",
                    "WaitNamedPipe: an instance is available when 'the pipe's server process has a pending"
                            + " ConnectNamedPipe operation'; Wine also counts a fresh instance nobody"
                            + " called ConnectNamedPipe on"),
            new Divergence(
                    "first-instance: second with flag ok=1",
                    "first-instance: second with flag ok=0 err=5",
                    "CreateNamedPipe: with FILE_FLAG_FIRST_PIPE_INSTANCE, 'creation of the next instance"
                            + " fails with ERROR_ACCESS_DENIED'; Wine ignores the flag"),
            new Divergence(
                    "names: empty pipe name ok=0 err=6",
                    "names: empty pipe name ok=0 err=123",
                    "CreateNamedPipe: the name must be \\\\.\\pipe\\pipename; Wine opens the pipe"
                            + " directory and fails oddly, the stand-in says ERROR_INVALID_NAME"),
            new Divergence(
                    "names: backslash in pipe name ok=1",
                    "names: backslash in pipe name ok=0 err=123",
                    "CreateNamedPipe: the pipename part 'can include any character other than a"
                            + " backslash'; Wine accepts one"),
            new Divergence(
                    "names: maxInstances 0 ok=1",
                    "names: maxInstances 0 ok=0 err=87",
                    "CreateNamedPipe: nMaxInstances 'can be 1 through PIPE_UNLIMITED_INSTANCES (255)';"
                            + " Wine accepts 0"),
            new Divergence(
                    "names: maxInstances 256 ok=1",
                    "names: maxInstances 256 ok=0 err=87",
                    "CreateNamedPipe: above PIPE_UNLIMITED_INSTANCES the call fails with"
                            + " ERROR_INVALID_PARAMETER; Wine accepts 256"));

    @Test
    void theStandInAnswersAsWineDoesApartFromTheKnownDivergences() throws Exception {
        Optional<Path> compiler = onPath("x86_64-w64-mingw32-gcc");
        assumeTrue(compiler.isPresent(), "mingw-w64 (x86_64-w64-mingw32-gcc) is not installed: no Wine oracle");
        Optional<Path> wine = wine();
        assumeTrue(wine.isPresent(), "wine64 is not installed: no Wine oracle");

        List<String> wineLines = runUnderWine(compiler.get(), wine.get());
        List<String> standInLines = standInLines();

        Map<String, Divergence> known =
                KNOWN_DIVERGENCES.stream().collect(Collectors.toMap(Divergence::wine, divergence -> divergence));
        List<String> problems = new ArrayList<>();
        int lines = Math.max(wineLines.size(), standInLines.size());
        for (int i = 0; i < lines; i++) {
            String fromWine = i < wineLines.size() ? wineLines.get(i) : "<no line>";
            String fromStandIn = i < standInLines.size() ? standInLines.get(i) : "<no line>";
            if (fromWine.equals(fromStandIn)) {
                continue;
            }
            Divergence divergence = known.get(fromWine);
            if (divergence == null || !divergence.standIn().equals(fromStandIn)) {
                problems.add("line " + (i + 1) + "\n  Wine:     " + fromWine + "\n  stand-in: " + fromStandIn);
            }
        }
        if (!problems.isEmpty()) {
            fail("the stand-in answers otherwise than Wine:\n" + String.join("\n", problems));
        }
        assertThat(wineLines).last().isEqualTo("end");
    }

    @Test
    void everyKnownDivergenceNamesALineTheScenariosPrint() throws Exception {
        List<String> standInLines = standInLines();
        for (Divergence divergence : KNOWN_DIVERGENCES) {
            assertThat(standInLines).as(divergence.why()).contains(divergence.standIn());
        }
    }

    private static List<String> standInLines() throws InterruptedException {
        StandInKernel32 standIn = new StandInKernel32();
        List<String> lines =
                new OracleScenarios(standIn, thread -> standIn.awaitBlocked(thread, Duration.ofSeconds(5))).run();
        assertThat(standIn.pendingOperations()).as("operations left pending").isZero();
        return lines;
    }

    private static List<String> runUnderWine(Path compiler, Path wine) throws IOException, InterruptedException {
        Files.createDirectories(WORK);
        Path exe = WORK.resolve("pipe_oracle.exe");
        if (!Files.exists(exe) || Files.getLastModifiedTime(exe).compareTo(Files.getLastModifiedTime(SOURCE)) < 0) {
            Path log = WORK.resolve("compile.log");
            int status = run(
                    new ProcessBuilder(compiler.toString(), "-O2", "-Wall", "-o", exe.toString(), SOURCE.toString())
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile()),
                    COMPILE_LIMIT);
            assertThat(status)
                    .as("compiling pipe_oracle.c: %s", Files.readString(log, StandardCharsets.UTF_8))
                    .isZero();
        }
        Path out = WORK.resolve("wine.out");
        Path err = WORK.resolve("wine.err");
        Path prefix = WORK.resolve("prefix").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(
                        wine.toString(), exe.toAbsolutePath().toString())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().put("WINEDEBUG", "-all");
        builder.environment().put("WINEPREFIX", prefix.toString());
        builder.environment().put("WINEDLLOVERRIDES", "mscoree,mshtml=");
        builder.environment().remove("DISPLAY");
        try {
            int status = run(builder, RUN_LIMIT);
            assertThat(status)
                    .as("pipe_oracle.exe under Wine: %s", Files.readString(err, StandardCharsets.UTF_8))
                    .isZero();
        } finally {
            stopWineServer(wine, prefix);
        }
        return Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                .map(String::stripTrailing)
                .toList();
    }

    /** Wine's server for the prefix lingers after the program ends; it is ours, so it goes. */
    private static void stopWineServer(Path wine, Path prefix) throws IOException, InterruptedException {
        Path server = wine.resolveSibling("wineserver");
        if (!Files.isExecutable(server)) {
            return;
        }
        ProcessBuilder builder = new ProcessBuilder(server.toString(), "-k")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("WINEPREFIX", prefix.toString());
        run(builder, Duration.ofSeconds(30));
    }

    private static int run(ProcessBuilder builder, Duration limit) throws IOException, InterruptedException {
        Process process = builder.start();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            fail("gave up after " + limit + ": " + String.join(" ", builder.command()));
        }
        return process.exitValue();
    }

    private static Optional<Path> wine() {
        Path packaged = Path.of("/usr/lib/wine/wine64");
        if (Files.isExecutable(packaged)) {
            return Optional.of(packaged);
        }
        return onPath("wine64").or(() -> onPath("wine"));
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        try (Stream<String> directories = Stream.of(path.split(File.pathSeparator))) {
            return directories
                    .map(directory -> Path.of(directory, program))
                    .filter(Files::isExecutable)
                    .findFirst();
        }
    }
}
