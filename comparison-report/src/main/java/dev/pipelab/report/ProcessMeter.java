package dev.pipelab.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What the OS says about another process. Where there is a {@code /proc/<pid>} (Linux), read
 * from it: CPU time from {@code stat} (utime + stime), resident memory, its high-water mark and
 * the thread count from {@code status}; each call reads the file afresh, and a process that has
 * gone reads as zeros. Where there is none (Windows, macOS), the CPU time comes from {@link
 * ProcessHandle.Info#totalCpuDuration()}, and memory and threads, which the JDK does not tell of
 * another process, read as {@link #UNKNOWN}, which the report shows as "n/a", never as a figure.
 */
public final class ProcessMeter {

    /** What {@link #rssKb}, {@link #peakRssKb} and {@link #threads} return where the OS does not tell. */
    public static final long UNKNOWN = -1;

    private static final long GC_TIMEOUT_SECONDS = 30;

    private final long pid;
    private final double secondsPerTick;
    private final Path proc;
    private final boolean readsProc;

    /** A meter of process {@code pid}; {@code ticksPerSecond} is {@code getconf CLK_TCK}. */
    public ProcessMeter(long pid, long ticksPerSecond) {
        this(pid, ticksPerSecond, Path.of("/proc"));
    }

    /** As {@link #ProcessMeter(long, long)}, reading {@code proc} for {@code /proc}: a tests' way to a system without one. */
    ProcessMeter(long pid, long ticksPerSecond, Path proc) {
        this.pid = pid;
        this.secondsPerTick = 1.0 / ticksPerSecond;
        this.proc = proc;
        this.readsProc = Files.isDirectory(proc.resolve("self"));
    }

    /** A meter of process {@code pid} with the kernel's usual 100 ticks per second. */
    public static ProcessMeter of(long pid) {
        return new ProcessMeter(pid, 100);
    }

    /** True where this meter reads {@code /proc}, so that memory and threads are known. */
    public boolean readsProc() {
        return readsProc;
    }

    /** User plus system CPU seconds the process has used so far, all its threads together. */
    public double cpuSeconds() {
        if (!readsProc) {
            return ProcessHandle.of(pid)
                    .flatMap(p -> p.info().totalCpuDuration())
                    .map(d -> d.toNanos() / 1e9)
                    .orElse(0.0);
        }
        String stat = read("stat");
        if (stat.isEmpty()) {
            return 0;
        }
        // The command name in parentheses may contain spaces: count fields after its closing ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
        long utime = Long.parseLong(f[11]);
        long stime = Long.parseLong(f[12]);
        return (utime + stime) * secondsPerTick;
    }

    /** Resident memory now, in KiB ({@code VmRSS}); {@link #UNKNOWN} without {@code /proc}. */
    public long rssKb() {
        return statusField("VmRSS:");
    }

    /**
     * What a JVM process keeps, right after a full garbage collection.
     *
     * @param rssKb resident memory, in KiB: the live heap plus the heap the GC keeps free, the
     *     threads' stacks and whatever else the process has mapped
     * @param liveHeapKb bytes of the objects still reachable, in KiB; -1 when unknown
     */
    public record Footprint(long rssKb, long liveHeapKb) {}

    /**
     * The footprint of the process (a JVM) right after a full garbage collection, so that garbage
     * it has not collected yet does not swamp the few KiB a connection costs. {@code jcmd <pid>
     * GC.class_histogram} (the jcmd beside this JVM's java) collects and counts the live objects;
     * when it cannot run, or the process is not a JVM (the C limit server), the live heap is -1
     * and the resident memory is read as it is.
     */
    public Footprint footprintAfterGc() {
        if (!isJvm()) {
            return new Footprint(rssKb(), -1);
        }
        Path jcmd = ProcessHandle.current()
                .info()
                .command()
                .map(Path::of)
                .map(java -> java.resolveSibling(java.getFileName().toString().endsWith(".exe") ? "jcmd.exe" : "jcmd"))
                .filter(Files::isExecutable)
                .orElse(null);
        long liveHeapKb = -1;
        if (jcmd != null) {
            Path output = null;
            Process histogram = null;
            try {
                output = Files.createTempFile("pipelab-histogram-", ".txt");
                histogram = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
                if (histogram.waitFor(GC_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    // the last line: Total <instances> <bytes>
                    String[] total = Files.readAllLines(output).stream()
                            .map(String::strip)
                            .filter(l -> l.startsWith("Total "))
                            .reduce((a, b) -> b)
                            .orElse("")
                            .split("\\s+", -1);
                    liveHeapKb = total.length == 3 ? Long.parseLong(total[2]) / 1024 : -1;
                }
            } catch (IOException | NumberFormatException e) {
                // no jcmd, or an answer we do not understand: the live heap stays unknown
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (histogram != null) {
                    histogram.destroyForcibly(); // gone already, unless it outlived its timeout
                }
                deleteQuietly(output);
            }
        }
        return new Footprint(rssKb(), liveHeapKb);
    }

    /**
     * True when the process runs a {@code java} launcher: only a JVM answers jcmd, and an older
     * jcmd attaches with a SIGQUIT, which would end any other process.
     */
    private boolean isJvm() {
        return ProcessHandle.of(pid)
                .flatMap(p -> p.info().command())
                .map(c -> Path.of(c).getFileName().toString())
                .map(name -> name.equals("java") || name.equals("java.exe"))
                .orElse(false);
    }

    /** The most resident memory the process has had, in KiB ({@code VmHWM}); {@link #UNKNOWN} without {@code /proc}. */
    public long peakRssKb() {
        return statusField("VmHWM:");
    }

    /**
     * Threads the process has now, JVM threads and virtual threads' carriers included; {@link
     * #UNKNOWN} without {@code /proc}.
     */
    public long threads() {
        return statusField("Threads:");
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temp file left behind is untidy, not wrong
            }
        }
    }

    private long statusField(String name) {
        if (!readsProc) {
            return UNKNOWN;
        }
        for (String line : read("status").split("\n", -1)) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).strip().split("\\s+", -1)[0]);
            }
        }
        return 0;
    }

    private String read(String file) {
        try {
            return Files.readString(proc.resolve(Long.toString(pid)).resolve(file));
        } catch (IOException e) {
            return ""; // the process has ended
        }
    }
}
