package dev.pipelab.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The start of a command line for a child JVM: this JVM's java, the flags every PipeLab JVM gets, this class path. */
final class JavaCommand {

    /**
     * Where Linux hands out transparent huge pages to a process that asks (the mode
     * {@code madvise}, the usual default), the JVM asks for them for its heap, as the
     * {@code pipelab} launcher does: at thousands of clients a loop touches a few objects of each
     * one a message, spread over the heap, and with 4 KiB pages most of those touches also miss
     * the TLB. Measured at 10,000 clients (docs/MEASUREMENTS.md): some 15 % more messages a second
     * and 12 % less CPU for an engine; Netty's JVM gets the flag too. Where the mode is
     * {@code always} the JVM has them anyway; where it is {@code never}, or the file is not there
     * (macOS, Windows), the flag would only print a warning, so it is left out.
     */
    static final String HUGE_PAGES = "-XX:+UseTransparentHugePages";

    private static final Path HUGE_PAGES_MODE = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    private JavaCommand() {}

    /** True if {@code mode} (the kernel's file, as {@code always [madvise] never}) gives huge pages on request. */
    static boolean hugePagesOnRequest(Path mode) {
        try {
            return Files.readString(mode).contains("[madvise]");
        } catch (IOException | RuntimeException e) {
            return false; // no such file: not Linux, or no transparent huge pages
        }
    }

    /** {@code java <flags> -cp <class path>}, ready for a main class and its arguments. */
    static List<String> of() {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(
                List.of("--enable-native-access=ALL-UNNAMED", "-Dguice_bytecode_gen_option=DISABLED", "-Xshare:auto"));
        if (hugePagesOnRequest(HUGE_PAGES_MODE)) {
            command.add(HUGE_PAGES);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        return command;
    }
}
