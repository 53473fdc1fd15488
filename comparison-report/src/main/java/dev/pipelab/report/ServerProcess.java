package dev.pipelab.report;

import dev.pipelab.api.PipeAddress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One server under test in a JVM of its own: an engine started exactly as {@code pipelab serve}
 * starts it (the CLI's main class, found by name on this JVM's class path), or a reference (Netty,
 * or the C epoll server). Started, it has printed its READY line; {@link #stop} asks it to stop and
 * expects a clean exit 0: with SIGTERM where pipes are AF_UNIX sockets, else (Windows, where
 * {@link Process#destroy} terminates at once) by closing its standard input, which {@code serve
 * --stop-when-stdin-closes} takes as the same request; {@link #close} kills whatever is left. An
 * engine is started on the OS seam asked for ({@code serve --seam}), and its READY line must name
 * that seam ({@code READY overlapped /path handler=echo seam=nio}), or the start fails.
 */
final class ServerProcess implements AutoCloseable {

    /** The CLI's main class; named, not linked, because the CLI depends on this module. */
    static final String PIPELAB_MAIN = "dev.pipelab.cli.PipeLabCommand";

    /** The seam an engine's READY line names: its last word. */
    private static final java.util.regex.Pattern READY_SEAM = java.util.regex.Pattern.compile(" seam=(\\S+)$");

    private final Process process;
    private final String pipe;
    private final Path errors;
    private final boolean stopsByStdin;
    private String seam; // set once, from the READY line, before start returns

    private ServerProcess(Process process, String pipe, Path errors, boolean stopsByStdin) {
        this.process = process;
        this.pipe = pipe;
        this.errors = errors;
        this.stopsByStdin = stopsByStdin;
    }

    /** True where a server is stopped by closing its standard input rather than by SIGTERM. */
    static boolean stopsByStdin(PipeAddress.Kind pipes) {
        return pipes != PipeAddress.Kind.UNIX_SOCKET;
    }

    /**
     * Where a server of one run listens, where pipes are of kind {@code pipes}: the socket file
     * {@code s.sock} in the run's directory for AF_UNIX; elsewhere (Windows) no file can be a
     * pipe, so a name of its own per run, {@code pipelab:compare-<random>}, never one a server
     * of an earlier run may still hold.
     */
    static String endpoint(PipeAddress.Kind pipes, Path dir) {
        return pipes == PipeAddress.Kind.UNIX_SOCKET
                ? dir.resolve("s.sock").toString()
                : PipeAddress.NAME_PREFIX + "compare-" + UUID.randomUUID();
    }

    /**
     * Starts {@code engine} (an engine key, {@link NettyEchoServer#KEY} or {@link CEpollEchoServer#KEY})
     * for {@code workload} in {@code dir}, where pipes are of kind {@code pipes}; {@code cEchoServer}
     * is the built C server, or null. An engine runs on its default seam.
     */
    static ServerProcess start(
            String engine, Workload workload, Path dir, PipeAddress.Kind pipes, Path cEchoServer, Duration readyTimeout)
            throws IOException, InterruptedException {
        return start(engine, null, workload, dir, pipes, cEchoServer, readyTimeout);
    }

    /**
     * As {@link #start(String, Workload, Path, PipeAddress.Kind, Path, Duration)}, an engine on
     * the OS seam called {@code seam} (null: its default; a reference has none), which its READY
     * line must name.
     */
    static ServerProcess start(
            String engine,
            String seam,
            Workload workload,
            Path dir,
            PipeAddress.Kind pipes,
            Path cEchoServer,
            Duration readyTimeout)
            throws IOException, InterruptedException {
        String pipe = endpoint(pipes, dir);
        List<String> command = new ArrayList<>();
        if (engine.equals(CEpollEchoServer.KEY)) {
            if (cEchoServer == null) {
                throw new IOException("the C epoll server was not built");
            }
            command.addAll(List.of(cEchoServer.toString(), pipe));
        } else if (engine.equals(NettyEchoServer.KEY)) {
            command.addAll(JavaCommand.of());
            command.addAll(List.of(NettyEchoServer.class.getName(), "--socket", pipe));
        } else {
            command.addAll(JavaCommand.of());
            command.addAll(List.of(
                    PIPELAB_MAIN,
                    "serve",
                    "--strategy",
                    engine,
                    "--pipe",
                    pipe,
                    "--handler",
                    workload.kind().handler(),
                    "--counter-file",
                    dir.resolve("counter").toString(),
                    "--ledger-file",
                    dir.resolve("ledger.db").toString(),
                    "--ledger-commit",
                    workload.kind() == Workload.Kind.LEDGER_PER_REQUEST ? "per-request" : "group",
                    "--max-instances",
                    Integer.toString(Math.max(255, workload.connections()))));
            if (seam != null) {
                command.addAll(List.of("--seam", seam));
            }
            if (stopsByStdin(pipes)) {
                command.add("--stop-when-stdin-closes");
            }
        }
        Path errors = dir.resolve("server.err");
        Process process =
                new ProcessBuilder(command).redirectError(errors.toFile()).start();
        ServerProcess server =
                new ServerProcess(process, pipe, errors, stopsByStdin(pipes) && !engine.equals(NettyEchoServer.KEY));
        boolean isEngine = !engine.equals(NettyEchoServer.KEY) && !engine.equals(CEpollEchoServer.KEY);
        try {
            String ready = server.awaitReady(readyTimeout);
            if (isEngine) {
                server.seam = seamOf(ready, seam);
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * The seam {@code ready}, an engine's READY line, names; it must be {@code asked} when that is
     * not null: a server on another seam than the row says would be measured under a wrong name.
     */
    static String seamOf(String ready, String asked) throws IOException {
        java.util.regex.Matcher m = READY_SEAM.matcher(ready);
        if (!m.find()) {
            throw new IOException("the server's READY line names no seam: " + ready);
        }
        if (asked != null && !m.group(1).equals(asked)) {
            throw new IOException("asked for seam " + asked + ", the server runs on seam " + m.group(1) + ": " + ready);
        }
        return m.group(1);
    }

    private String awaitReady(Duration timeout) throws IOException, InterruptedException {
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader out = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = out.readLine()) != null) {
                            if (line.startsWith("READY ")) {
                                ready.complete(line);
                            }
                        }
                    } catch (IOException e) {
                        ready.completeExceptionally(e);
                    }
                    ready.completeExceptionally(new IOException("the server ended without READY"));
                },
                "pipelab-report-server-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("no READY from the server within " + timeout + stderrTail());
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage() + stderrTail(), e.getCause());
        }
    }

    long pid() {
        return process.pid();
    }

    /** The seam its READY line named, or null for a reference. */
    String seam() {
        return seam;
    }

    /** The endpoint it listens on, as {@code --pipe} takes it. */
    String pipe() {
        return pipe;
    }

    /** Asks it to stop, then waits for the exit; null when it exited 0 in time, else what went wrong. */
    String stop(Duration timeout) throws InterruptedException {
        String how = stopsByStdin ? "its standard input closing" : "SIGTERM";
        if (stopsByStdin) {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                return "could not close the server's standard input: " + e;
            }
        } else {
            process.destroy();
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return "the server did not exit within " + timeout + " of " + how;
        }
        return process.exitValue() == 0 ? null : "the server exited " + process.exitValue() + stderrTail();
    }

    private String stderrTail() {
        try {
            List<String> lines = Files.exists(errors) ? Files.readAllLines(errors) : List.of();
            List<String> tail = new ArrayList<>(lines.subList(Math.max(0, lines.size() - 5), lines.size()));
            return tail.isEmpty() ? "" : "; its stderr ends: " + String.join(" | ", tail);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
