package dev.pipelab.report;

import java.util.ArrayList;
import java.util.List;

/** The start of a command line for a child JVM: this JVM's java, the flags every PipeLab JVM gets, this class path. */
final class JavaCommand {

    private JavaCommand() {}

    /** {@code java <flags> -cp <class path>}, ready for a main class and its arguments. */
    static List<String> of() {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of(
                "--enable-native-access=ALL-UNNAMED",
                "-Dguice_bytecode_gen_option=DISABLED",
                "-Xshare:auto",
                "-cp",
                System.getProperty("java.class.path")));
        return command;
    }
}
