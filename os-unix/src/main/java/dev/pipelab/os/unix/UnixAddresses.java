package dev.pipelab.os.unix;

import dev.pipelab.api.PipeAddress;
import java.nio.file.Path;
import java.util.Map;

/**
 * How a pipe name maps to a socket path on Unix: {@code pipelab:NAME}, or a bare {@code NAME},
 * to {@code $XDG_RUNTIME_DIR/pipelab/NAME.sock}, or without {@code XDG_RUNTIME_DIR} to
 * {@code <temp dir>/pipelab-<user>/NAME.sock} (one directory per user, so that no user can
 * block another's names); a path is made absolute and used as is.
 */
final class UnixAddresses {

    private UnixAddresses() {}

    /** Resolves {@code spec} with this process's environment. */
    static PipeAddress resolve(String spec) {
        return resolve(
                spec,
                System.getenv(),
                Path.of(System.getProperty("java.io.tmpdir")),
                System.getProperty("user.name", "user"));
    }

    /** Resolves {@code spec} with the environment, temp directory and user name given. */
    static PipeAddress resolve(String spec, Map<String, String> env, Path tempDir, String userName) {
        String name = PipeAddress.nameIn(spec);
        if (name == null) {
            return new PipeAddress(
                    Path.of(spec.strip()).toAbsolutePath().normalize().toString(), PipeAddress.Kind.UNIX_SOCKET, false);
        }
        String runtimeDir = env.get("XDG_RUNTIME_DIR");
        Path dir = runtimeDir != null
                        && !runtimeDir.isBlank()
                        && Path.of(runtimeDir).isAbsolute()
                ? Path.of(runtimeDir, "pipelab")
                : tempDir.resolve("pipelab-" + userName);
        return new PipeAddress(dir.resolve(name + ".sock").toString(), PipeAddress.Kind.UNIX_SOCKET, true);
    }
}
