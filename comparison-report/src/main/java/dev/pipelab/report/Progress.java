package dev.pipelab.report;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Shows what runs and what is left: a progress bar on a terminal, plain lines otherwise. */
public interface Progress extends AutoCloseable {

    /** Run {@code server} on {@code workload} starts. */
    void starting(String server, String workload);

    /** A run finished. */
    void finished(RunResult result);

    @Override
    void close();

    /** A bar when standard output is a terminal, lines on {@code out} otherwise. */
    static Progress forConsole(int runs, PrintStream out) {
        return stdoutIsTerminal() ? new Bar(runs) : new Lines(runs, out);
    }

    /** True when file descriptor 1 is a terminal (Linux: it links to a tty); JDK 21 has no such query. */
    private static boolean stdoutIsTerminal() {
        try {
            String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/1"))
                    .toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** One line per run. */
    final class Lines implements Progress {
        private final int runs;
        private final PrintStream out;
        private int done;

        public Lines(int runs, PrintStream out) {
            this.runs = runs;
            this.out = out;
        }

        @Override
        public void starting(String server, String workload) {
            out.printf("[%d/%d] %s on %s ...%n", done + 1, runs, workload, server);
            out.flush();
        }

        @Override
        public void finished(RunResult r) {
            done++;
            out.println("        " + describe(r));
            out.flush();
        }

        @Override
        public void close() {}
    }

    /** A terminal progress bar whose label names the current run. */
    final class Bar implements Progress {
        private final ProgressBar bar;

        Bar(int runs) {
            bar = new ProgressBarBuilder()
                    .setTaskName("compare")
                    .setInitialMax(runs)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250)
                    .continuousUpdate()
                    .build();
        }

        @Override
        public void starting(String server, String workload) {
            bar.setExtraMessage(" " + workload + " on " + server);
        }

        @Override
        public void finished(RunResult r) {
            bar.step();
            if (r.errors() > 0) {
                System.err.println("\n" + r.engine() + " " + r.workload() + ": " + describe(r));
            }
        }

        @Override
        public void close() {
            bar.close();
        }
    }

    /** One run in a line: throughput, p99, errors. */
    static String describe(RunResult r) {
        String line = r.measured()
                ? String.format(
                        Locale.ROOT,
                        "%,.0f msg/s, p99 %,.0f us, %,.1f us CPU/msg, %s threads, %d errors",
                        r.summary().messagesPerSecond().median(),
                        r.summary().p99Micros().median(),
                        r.summary().cpuMicrosPerMessage().median(),
                        Format.count(r.peakThreads()),
                        r.errors())
                : "not measured";
        return r.errors() > 0 ? line + ": " + String.join("; ", r.errorSamples()) : line;
    }
}
