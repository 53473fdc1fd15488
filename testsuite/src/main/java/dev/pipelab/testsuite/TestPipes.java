package dev.pipelab.testsuite;

import dev.pipelab.api.PipeAddress;
import java.nio.file.Path;

/**
 * Where a test's pipe lives, on whatever seam the tests run: on Unix a socket file in the test's
 * own directory, on Windows (whose pipes are names, not files) a name no other test uses.
 */
public final class TestPipes {

    private TestPipes() {}

    /** True when this JVM's seam puts pipes in the file system (AF_UNIX sockets). */
    public static boolean areSocketFiles() {
        return PipeAddress.resolve("pipelab:probe").kind() == PipeAddress.Kind.UNIX_SOCKET;
    }

    /** {@code dir/leaf} for a socket file, or a {@code pipelab:} name made from the directory and {@code leaf}. */
    public static String spec(Path dir, String leaf) {
        if (areSocketFiles()) {
            return dir.resolve(leaf).toString();
        }
        // the same for the same test directory (each test has its own), so a test may ask twice
        String base = leaf.replace('/', '-').replace(".sock", "");
        return PipeAddress.NAME_PREFIX + "test-" + ProcessHandle.current().pid() + "-" + dir.getFileName() + "-" + base;
    }
}
