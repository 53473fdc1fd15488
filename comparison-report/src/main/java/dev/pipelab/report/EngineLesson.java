package dev.pipelab.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What each server is, for the report's lessons: its thread model in a sentence, and the size
 * of its code, counted from the source tree when the report runs inside a PipeLab checkout.
 *
 * @param server the server's row: an engine key, an engine on a further seam ({@code overlapped-nio}), or a
 *     reference
 * @param className its class
 * @param threadModel its thread model in one sentence
 * @param lines lines of its class's source file, 0 when the source was not found
 */
public record EngineLesson(String server, String className, String threadModel, int lines) {

    private static final Map<String, String[]> KNOWN = Map.of(
            "threaded",
            new String[] {
                "strategy-threaded/src/main/java/dev/pipelab/threaded/ThreadedPipeServer.java",
                "One platform thread per connected client over blocking calls (the SDK's multithreaded server);"
                        + " handlers may block."
            },
            "overlapped",
            new String[] {
                "strategy-overlapped/src/main/java/dev/pipelab/overlapped/OverlappedPipeServer.java",
                "One thread keeps one operation pending per instance and waits for whichever finishes"
                        + " (overlapped I/O, WaitForMultipleObjects); handlers must not block."
            },
            "completion",
            new String[] {
                "strategy-completion/src/main/java/dev/pipelab/completion/CompletionPipeServer.java",
                "One thread chains completion routines read -> answer -> write -> read, run in its alertable"
                        + " wait; handlers must not block."
            },
            "virtual",
            new String[] {
                "strategy-virtual/src/main/java/dev/pipelab/virtual/VirtualPipeServer.java",
                "One virtual thread per client over the same blocking calls as threaded, on a few carrier"
                        + " threads; handlers may block on JDK I/O."
            },
            NettyEchoServer.KEY,
            new String[] {
                "comparison-report/src/main/java/dev/pipelab/report/NettyEchoServer.java",
                "The reference: a Netty 4.2 epoll domain-socket echo server with one event loop, what a user"
                        + " would pick instead."
            },
            CEpollEchoServer.KEY,
            new String[] {
                CEpollEchoServer.SOURCE_PATH,
                "The limit: a plain single-thread epoll (edge-triggered) echo server in C, the system calls"
                        + " and nothing between them."
            });

    /** The lessons of {@code servers}, sizes counted under {@code sourceRoot} (a PipeLab checkout, or null). */
    public static List<EngineLesson> of(List<String> servers, Path sourceRoot) {
        return servers.stream().map(s -> of(s, sourceRoot)).toList();
    }

    private static EngineLesson of(String server, Path sourceRoot) {
        String engine = ComparisonOptions.engineOf(server); // overlapped-nio: overlapped's code, another seam
        String[] known = KNOWN.getOrDefault(engine, new String[] {"", "(no description)"});
        if (!engine.equals(server)) {
            String seam = server.substring(engine.length() + 1);
            known = new String[] {
                known[0], known[1] + " Here on the " + seam + " seam: the same code, another transport."
            };
        }
        Path source = Path.of(known[0]);
        String className = source.getFileName().toString().replace(".java", ""); // a C file keeps its .c
        int lines = 0;
        if (sourceRoot != null && !known[0].isEmpty() && Files.isRegularFile(sourceRoot.resolve(source))) {
            try (var all = Files.lines(sourceRoot.resolve(source))) {
                lines = (int) all.count();
            } catch (IOException e) {
                lines = 0; // the size is a courtesy; the report stands without it
            }
        }
        return new EngineLesson(server, className, known[1], lines);
    }

    /** The PipeLab checkout around {@code start} (a directory holding {@code pom.xml} and {@code api/}), or null. */
    public static Path findSourceRoot(Path start) {
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml"))
                    && Files.isDirectory(p.resolve("api"))
                    && Files.isDirectory(p.resolve("comparison-report"))) {
                return p;
            }
        }
        return null;
    }
}
