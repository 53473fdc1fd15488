package dev.pipelab.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux says about another process, read from {@code /proc/<pid>}: CPU time from
 * {@code stat} (utime + stime), resident memory, its high-water mark and the thread count from
 * {@code status}. Each call reads the file afresh; a process that has gone reads as zeros.
 */
public final class ProcessMeter {

    private final long pid;
    private final double secondsPerTick;

    /** A meter of process {@code pid}; {@code ticksPerSecond} is {@code getconf CLK_TCK}. */
    public ProcessMeter(long pid, long ticksPerSecond) {
        this.pid = pid;
        this.secondsPerTick = 1.0 / ticksPerSecond;
    }

    /** A meter of process {@code pid} with the kernel's usual 100 ticks per second. */
    public static ProcessMeter of(long pid) {
        return new ProcessMeter(pid, 100);
    }

    /** User plus system CPU seconds the process has used so far, all its threads together. */
    public double cpuSeconds() {
        String stat = read("stat");
        if (stat.isEmpty()) {
            return 0;
        }
        // The command name in parentheses may contain spaces: count fields after its closing ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long utime = Long.parseLong(f[11]);
        long stime = Long.parseLong(f[12]);
        return (utime + stime) * secondsPerTick;
    }

    /** Resident memory now, in KiB ({@code VmRSS}). */
    public long rssKb() {
        return statusField("VmRSS:");
    }

    /** The most resident memory the process has had, in KiB ({@code VmHWM}). */
    public long peakRssKb() {
        return statusField("VmHWM:");
    }

    /** Threads the process has now, JVM threads and virtual threads' carriers included. */
    public long threads() {
        return statusField("Threads:");
    }

    private long statusField(String name) {
        for (String line : read("status").split("\n")) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).strip().split("\\s+")[0]);
            }
        }
        return 0;
    }

    private String read(String file) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), file));
        } catch (IOException e) {
            return ""; // the process has ended
        }
    }
}
