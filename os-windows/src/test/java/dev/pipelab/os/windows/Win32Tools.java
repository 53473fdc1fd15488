package dev.pipelab.os.windows;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Win32 oracle's tools on Linux: mingw-w64 compiles C against the SDK headers and lists the
 * import libraries' exports, Wine runs the program. A test that needs a missing tool is skipped
 * with the package to install; every command has a time limit and leaves no process behind.
 */
final class Win32Tools {

    static final String INSTALL = "apt-get install wine wine64 gcc-mingw-w64-x86-64";

    /** Where the oracle writes: under target/, removed by mvn clean. */
    static final Path WORK = Path.of("target", "win32-oracle");

    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(60);

    /** Creating a Wine prefix takes about 12 s; a loaded CI runner may take several times that. */
    private static final Duration WINE_LIMIT = Duration.ofMinutes(3);

    private Win32Tools() {}

    /** What a command printed (stdout and stderr together) and how it exited. */
    record Result(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    static Path gcc() {
        return require("x86_64-w64-mingw32-gcc", onPath("x86_64-w64-mingw32-gcc"));
    }

    static Path nm() {
        return require("x86_64-w64-mingw32-nm", onPath("x86_64-w64-mingw32-nm"));
    }

    /** 64-bit Wine: Debian and Ubuntu put wine64 beside the loader, off the PATH. */
    static Path wine() {
        return require(
                "wine64",
                executable(Path.of("/usr/lib/wine/wine64"))
                        .or(() -> onPath("wine64"))
                        .or(() -> onPath("wine")));
    }

    /** The import library {@code lib<name>.a} mingw links against, as gcc finds it. */
    static Path importLibrary(String name) throws IOException, InterruptedException {
        String file = "lib" + name + ".a";
        Result found = run(List.of(gcc().toString(), "-print-file-name=" + file), Map.of(), COMMAND_LIMIT);
        Path path = Path.of(found.output().strip());
        assumeTrue(found.succeeded() && path.isAbsolute() && Files.isRegularFile(path), file + " not found by mingw");
        return path;
    }

    /** The functions an import library exports (nm's text symbols), without the __imp_ thunks. */
    static List<String> exports(Path importLibrary) throws IOException, InterruptedException {
        Result listed =
                run(List.of(nm().toString(), "--defined-only", importLibrary.toString()), Map.of(), COMMAND_LIMIT);
        if (!listed.succeeded()) {
            throw new IOException("nm " + importLibrary + " failed:\n" + listed.output());
        }
        return listed.output()
                .lines()
                .map(line -> line.strip().split("\\s+"))
                .filter(f -> f.length == 3 && f[1].equals("T"))
                .map(f -> f[2])
                .toList();
    }

    /** Compiles with mingw's gcc; the result says why when it fails. */
    static Result compile(List<String> arguments) throws IOException, InterruptedException {
        return run(
                Stream.concat(Stream.of(gcc().toString()), arguments.stream()).toList(), Map.of(), COMMAND_LIMIT);
    }

    /**
     * Runs {@code exe} under Wine in a prefix of its own under target/, then stops that prefix's
     * wineserver (which otherwise outlives the program by a few seconds, with its services).
     */
    static Result runUnderWine(Path exe) throws IOException, InterruptedException {
        Path wine = wine();
        Path prefix = WORK.resolve("wine-prefix").toAbsolutePath();
        Map<String, String> env = Map.of(
                "WINEPREFIX", prefix.toString(),
                "WINEDEBUG", "-all",
                // A new prefix would otherwise offer to download Mono and Gecko.
                "WINEDLLOVERRIDES", "mscoree,mshtml=");
        try {
            return run(List.of(wine.toString(), exe.toAbsolutePath().toString()), env, WINE_LIMIT);
        } finally {
            Optional<Path> server = executable(wine.resolveSibling("wineserver64"))
                    .or(() -> executable(wine.resolveSibling("wineserver")))
                    .or(() -> onPath("wineserver"));
            if (server.isPresent()) {
                run(List.of(server.get().toString(), "-k"), env, COMMAND_LIMIT);
            }
        }
    }

    /** Runs a command with a time limit; on timeout it is killed and the test fails. */
    static Result run(List<String> command, Map<String, String> env, Duration limit)
            throws IOException, InterruptedException {
        Files.createDirectories(WORK);
        Path output = Files.createTempFile(WORK, "output", ".txt");
        try {
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            try {
                process.getOutputStream().close(); // no input: a read sees end of file
                if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError(command + " did not finish within " + limit + ":\n" + read(output));
                }
                return new Result(process.exitValue(), read(output));
            } finally {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String read(Path output) throws IOException {
        // Wine's console writes CRLF.
        return Files.readString(output, StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    private static Path require(String tool, Optional<Path> found) {
        assumeTrue(found.isPresent(), tool + " is not installed (" + INSTALL + ")");
        return found.orElseThrow();
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .flatMap(p -> executable(p).stream())
                .findFirst();
    }

    private static Optional<Path> executable(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
    }
}
