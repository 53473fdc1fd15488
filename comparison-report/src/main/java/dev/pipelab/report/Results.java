package dev.pipelab.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything one comparison measured: the setting, the machine, each engine's lesson, and every
 * run. This is {@code results.json}; every page of the report is rendered from it alone.
 *
 * @param title what was run (the command line)
 * @param generatedAt when, ISO-8601
 * @param machine the machine and JDK
 * @param settings warm-up and windows
 * @param servers the servers compared, engines first and the references last
 * @param missing servers that could not run on this machine, each with why (the C limit server
 *     without a C compiler, say, or {@code overlapped-native} where the native seam cannot run);
 *     they have no runs
 * @param lessons for each engine, what it is and what its code costs
 * @param runs every run, workloads in order, servers in order within each
 */
public record Results(
        String title,
        String generatedAt,
        Machine machine,
        Settings settings,
        List<String> servers,
        Map<String, String> missing,
        List<EngineLesson> lessons,
        List<RunResult> runs) {

    public Results {
        missing = missing == null
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new TreeMap<>(missing)); // older results.json: none
    }

    /**
     * The machine the comparison ran on.
     *
     * @param os operating system and kernel
     * @param cpu the CPU model
     * @param cores processors available to the JVM
     * @param memoryMb physical memory
     * @param jdk the JDK that ran the servers
     */
    public record Machine(String os, String cpu, int cores, long memoryMb, String jdk) {}

    /**
     * How each run was timed.
     *
     * @param warmupMillis talking before measuring
     * @param windowMillis each measured window
     * @param windows measured windows per run
     * @param driver the load driver's key ({@code selector}, {@code threads}); null in results
     *     written before there were two, which the selector measured
     * @param referenceNotRun why the reference ran no workload at all here, or null
     */
    public record Settings(long warmupMillis, long windowMillis, int windows, String driver, String referenceNotRun) {

        /** The load driver that measured these results. */
        public LoadDriver loadDriver() {
            return driver == null ? LoadDriver.SELECTOR : LoadDriver.parse(driver);
        }
    }

    /** The run of {@code server} on {@code workload}, if there was one. */
    public Optional<RunResult> run(String server, String workload) {
        return runs.stream()
                .filter(r -> r.engine().equals(server) && r.workload().equals(workload))
                .findFirst();
    }

    /** The workload names, in the order they ran. */
    public List<String> workloads() {
        return runs.stream().map(RunResult::workload).distinct().toList();
    }

    /** Errors over every run. */
    public long errors() {
        return runs.stream().mapToLong(RunResult::errors).sum();
    }

    /** Writes this as JSON to {@code file}. */
    public void write(Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
    }

    /** Reads a {@code results.json}. */
    public static Results read(Path file) throws IOException {
        return new ObjectMapper()
                .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .readValue(file.toFile(), Results.class);
    }
}
