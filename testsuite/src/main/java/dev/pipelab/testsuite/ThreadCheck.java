package dev.pipelab.testsuite;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lists the live threads whose names start with a prefix, virtual threads included: a JSON
 * thread dump sees those, {@code Thread.getAllStackTraces()} does not.
 */
public final class ThreadCheck {

    private static final Pattern NAME = Pattern.compile("\"name\": \"([^\"]*)\"");

    private ThreadCheck() {
    }

    /** Names of live threads, platform and virtual, that start with {@code prefix}. */
    public static List<String> liveThreads(String prefix) {
        List<String> names = new ArrayList<>();
        Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).forEach(names::add);
        try {
            Path dump = Files.createTempFile("pipelab-threads", ".json");
            try {
                Files.delete(dump); // dumpThreads refuses to overwrite
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                Matcher m = NAME.matcher(Files.readString(dump));
                while (m.find()) {
                    if (m.group(1).startsWith(prefix) && !names.contains(m.group(1))) {
                        names.add(m.group(1));
                    }
                }
            } finally {
                Files.deleteIfExists(dump);
            }
        } catch (IOException e) {
            throw new IllegalStateException("thread dump failed", e);
        }
        return names;
    }
}
