package dev.pipelab.api;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where clients find a server: an AF_UNIX socket path on Linux and macOS, a named pipe on
 * Windows. {@link #resolve} maps the forms users type to it, as PROTOCOL.md specifies:
 *
 * <ul>
 *   <li>{@code pipelab:NAME}, or a bare {@code NAME}: on Unix
 *       {@code $XDG_RUNTIME_DIR/pipelab/NAME.sock}, or {@code <temp dir>/pipelab-<user>/NAME.sock}
 *       without {@code XDG_RUNTIME_DIR}; on Windows {@code \\.\pipe\pipelab-NAME};
 *   <li>an absolute path (or a Windows pipe path) is used as is; a relative path containing a
 *       separator is made absolute against the working directory.
 * </ul>
 *
 * @param value the socket path or pipe name, as the OS sees it
 * @param kind which of the two it is
 * @param named true when mapped from a name, so the server owns the directory it lives in
 */
public record PipeAddress(String value, Kind kind, boolean named) {

    /** The kinds of endpoint. */
    public enum Kind {
        /** An AF_UNIX stream socket at a filesystem path. */
        UNIX_SOCKET,
        /** A Windows named pipe. */
        WINDOWS_PIPE
    }

    /** The prefix that marks a name to be mapped. */
    public static final String NAME_PREFIX = "pipelab:";

    private static final String WINDOWS_PIPE_PREFIX = "\\\\.\\pipe\\";

    public PipeAddress {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(kind, "kind");
    }

    /** Resolves {@code spec} for this operating system and environment. */
    public static PipeAddress resolve(String spec) {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        return resolve(spec, windows, System.getenv(), Path.of(System.getProperty("java.io.tmpdir")),
                System.getProperty("user.name", "user"));
    }

    /** Resolves {@code spec} with the platform facts given, for tests and tools. */
    public static PipeAddress resolve(String spec, boolean windows, Map<String, String> env, Path tempDir,
            String userName) {
        Objects.requireNonNull(spec, "pipe");
        String trimmed = spec.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("pipe must be a name or a path, was empty");
        }
        if (windows && trimmed.regionMatches(true, 0, WINDOWS_PIPE_PREFIX, 0, WINDOWS_PIPE_PREFIX.length())) {
            return new PipeAddress(trimmed, Kind.WINDOWS_PIPE, false);
        }
        String name = trimmed.startsWith(NAME_PREFIX) ? trimmed.substring(NAME_PREFIX.length()) : null;
        if (name == null && !trimmed.contains("/") && !trimmed.contains("\\")) {
            name = trimmed; // a bare name
        }
        if (name != null) {
            checkName(name, spec);
            if (windows) {
                return new PipeAddress(WINDOWS_PIPE_PREFIX + "pipelab-" + name, Kind.WINDOWS_PIPE, true);
            }
            String runtimeDir = env.get("XDG_RUNTIME_DIR");
            Path dir = runtimeDir != null && !runtimeDir.isBlank() && Path.of(runtimeDir).isAbsolute()
                    ? Path.of(runtimeDir, "pipelab")
                    : tempDir.resolve("pipelab-" + userName);
            return new PipeAddress(dir.resolve(name + ".sock").toString(), Kind.UNIX_SOCKET, true);
        }
        if (windows) {
            throw new IllegalArgumentException("pipe '" + spec + "' is neither a name nor a pipe path like "
                    + WINDOWS_PIPE_PREFIX + "NAME");
        }
        return new PipeAddress(Path.of(trimmed).toAbsolutePath().normalize().toString(), Kind.UNIX_SOCKET, false);
    }

    private static void checkName(String name, String spec) {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.indexOf('\0') >= 0
                || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("pipe name in '" + spec
                    + "' must be non-empty and contain no '/', '\\' or NUL");
        }
    }

    /** The socket path, for a Unix socket address. */
    public Path path() {
        if (kind != Kind.UNIX_SOCKET) {
            throw new UnsupportedOperationException(this + " is not a Unix socket path");
        }
        return Path.of(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
