package dev.pipelab.os.windows;

import dev.pipelab.api.PipeAddress;
import java.util.Locale;

/**
 * How a pipe name maps to a Windows pipe: {@code pipelab:NAME}, or a bare {@code NAME}, to
 * {@code \\.\pipe\pipelab-NAME}; a full pipe path ({@code \\.\pipe\...}) is used as is. A file
 * path names no pipe on Windows, so it is refused with what to write instead.
 */
final class WindowsNames {

    static final String PIPE_PREFIX = "\\\\.\\pipe\\";

    /** CreateNamedPipe takes at most 256 characters. */
    static final int MAX_LENGTH = 256;

    private WindowsNames() {}

    static PipeAddress resolve(String spec) {
        String name = PipeAddress.nameIn(spec);
        String path = name != null ? PIPE_PREFIX + "pipelab-" + name : spec.strip();
        if (!path.toLowerCase(Locale.ROOT).startsWith(PIPE_PREFIX)) {
            throw new IllegalArgumentException(
                    "on Windows a pipe is pipelab:NAME or \\\\.\\pipe\\NAME, not a file path: '" + spec + "'");
        }
        String rest = path.substring(PIPE_PREFIX.length());
        if (rest.isEmpty() || rest.indexOf('\\') >= 0 || rest.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(
                    "pipe name in '" + spec + "' must be non-empty and contain no '\\' or NUL after \\\\.\\pipe\\");
        }
        if (path.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("pipe name '" + path + "' is " + path.length()
                    + " characters; Windows takes at most " + MAX_LENGTH);
        }
        return new PipeAddress(path, PipeAddress.Kind.WINDOWS_PIPE, name != null);
    }
}
