package dev.pipelab.api;

import dev.pipelab.spi.os.PipeSystems;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where clients find a server: an AF_UNIX socket path on Linux and macOS, a named pipe on
 * Windows. {@link #resolve} maps the forms users type to it, as the wire protocol specifies:
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

    public PipeAddress {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(kind, "kind");
    }

    /**
     * Resolves {@code spec} for this machine, through its OS seam.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code spec}
     * @throws UnsupportedOperationException if no OS seam can run here, naming why
     */
    public static PipeAddress resolve(String spec) {
        return PipeSystems.select().pipeSystem().resolve(spec);
    }

    /**
     * The name in {@code spec} if it names a pipe rather than giving a path ({@code pipelab:NAME},
     * or a bare {@code NAME} without a separator), checked; null for a path. For OS seams: the
     * rules every OS shares.
     *
     * @throws IllegalArgumentException for an empty spec or a name that is empty, {@code .},
     *     {@code ..} or contains a separator or NUL
     */
    public static String nameIn(String spec) {
        Objects.requireNonNull(spec, "pipe");
        String trimmed = spec.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("pipe must be a name or a path, was empty");
        }
        String name = trimmed.startsWith(NAME_PREFIX) ? trimmed.substring(NAME_PREFIX.length()) : null;
        if (name == null && !trimmed.contains("/") && !trimmed.contains("\\")) {
            name = trimmed; // a bare name
        }
        if (name != null
                && (name.isEmpty()
                        || name.contains("/")
                        || name.contains("\\")
                        || name.indexOf('\0') >= 0
                        || name.equals(".")
                        || name.equals(".."))) {
            throw new IllegalArgumentException(
                    "pipe name in '" + spec + "' must be non-empty and contain no '/', '\\' or NUL");
        }
        return name;
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
