package dev.pipelab.spi.diagnostics;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The live threads of this JVM whose names start with a prefix, platform and virtual apart.
 * {@code Thread.getAllStackTraces()} sees only platform threads; a JSON thread dump sees virtual
 * threads too, so the census takes both and tells them apart.
 *
 * @param platform names of live platform threads
 * @param virtual names of live virtual threads
 */
public record ThreadCensus(List<String> platform, List<String> virtual) {

    private static final Pattern NAME = Pattern.compile("\"name\": \"((?:[^\"\\\\]|\\\\.)*)\"");

    /** Takes the census of threads named {@code prefix...} now. */
    public static ThreadCensus of(String prefix) {
        Set<String> platform = Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith(prefix))
                .collect(Collectors.toSet());
        List<String> virtual = new ArrayList<>();
        for (String name : dumpedNames()) {
            if (name.startsWith(prefix) && !platform.contains(name)) {
                virtual.add(name);
            }
        }
        return new ThreadCensus(List.copyOf(platform), List.copyOf(virtual));
    }

    /** Every name, platform and virtual. */
    public List<String> all() {
        List<String> all = new ArrayList<>(platform);
        all.addAll(virtual);
        return all;
    }

    /** True when no thread matched. */
    public boolean isEmpty() {
        return platform.isEmpty() && virtual.isEmpty();
    }

    private static List<String> dumpedNames() {
        try {
            Path dir = Files.createTempDirectory("pipelab-census");
            Path dump = dir.resolve("threads.json");
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                List<String> names = new ArrayList<>();
                Matcher m = NAME.matcher(Files.readString(dump));
                while (m.find()) {
                    names.add(m.group(1));
                }
                return names;
            } finally {
                Files.deleteIfExists(dump);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("thread dump failed", e);
        }
    }
}
