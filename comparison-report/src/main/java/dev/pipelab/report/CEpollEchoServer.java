package dev.pipelab.report;

import dev.pipelab.api.PipeAddress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The limit row of the report: a plain single-thread epoll echo server in C
 * ({@code c/epoll_echo.c} beside this class, shipped in the jar), so that every engine can be
 * read against what the machine does with nothing between the loop and the system calls, as well
 * as against Netty. It is compiled for each comparison with the machine's C compiler
 * ({@code $CC}, else {@code cc}) into the comparison's own temporary directory; where there is
 * none, or the OS has no epoll, the row is missing and the report says why.
 */
final class CEpollEchoServer {

    /** The key of this server in the report, beside the engine keys. */
    static final String KEY = "c-epoll";

    /** The source, as a class-path resource and as a path in a PipeLab checkout. */
    static final String RESOURCE = "c/epoll_echo.c";

    static final String SOURCE_PATH = "comparison-report/src/main/resources/dev/pipelab/report/" + RESOURCE;

    private static final long COMPILE_TIMEOUT_SECONDS = 120;

    private CEpollEchoServer() {}

    /**
     * The outcome of building the server: its executable, or why there is none.
     *
     * @param executable the built server, or null
     * @param missing why there is no server here, or null when there is
     */
    record Build(Path executable, String missing) {
        static Build missing(String why) {
            return new Build(null, why);
        }
    }

    /** Null when the server can run where pipes are of kind {@code pipes} (and a compiler builds it); else why not. */
    static String cannotRunWhere(PipeAddress.Kind pipes) {
        String os = System.getProperty("os.name", "");
        if (pipes != PipeAddress.Kind.UNIX_SOCKET) {
            return "the C limit server listens on an AF_UNIX socket, and this system's pipes are not AF_UNIX sockets";
        }
        return os.toLowerCase(Locale.ROOT).startsWith("linux") ? null : epollIsLinuxs(os);
    }

    private static String epollIsLinuxs(String os) {
        return "the C limit server is written on epoll, which is Linux's; this is " + os;
    }

    /** Compiles the server into {@code dir} with {@code $CC}, else {@code cc}. */
    static Build build(Path dir) throws InterruptedException {
        return build(dir, System.getenv().getOrDefault("CC", "cc"));
    }

    /**
     * Compiles the server into {@code dir} with {@code compiler}; never throws for a machine without
     * one, or without epoll, which the build says instead.
     */
    static Build build(Path dir, String compiler) throws InterruptedException {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return Build.missing(epollIsLinuxs(os));
        }
        Path source = dir.resolve("epoll_echo.c");
        Path executable = dir.resolve("epoll_echo");
        Path output = dir.resolve("cc.out");
        try (InputStream in = CEpollEchoServer.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return Build.missing(RESOURCE + " is not on the class path");
            }
            Files.copy(in, source);
            Process cc = new ProcessBuilder(List.of(compiler, "-O2", "-o", executable.toString(), source.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!cc.waitFor(COMPILE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                cc.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return Build.missing(compiler + " did not finish within " + COMPILE_TIMEOUT_SECONDS + " s");
            }
            if (cc.exitValue() != 0) {
                return Build.missing(compiler + " failed: "
                        + String.join(
                                " | ",
                                Files.readAllLines(output, StandardCharsets.UTF_8).stream()
                                        .limit(5)
                                        .toList()));
            }
            return new Build(executable, null);
        } catch (IOException e) {
            return Build.missing("no C compiler to build it (" + compiler + ": " + e.getMessage() + ")");
        }
    }
}
