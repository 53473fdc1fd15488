package dev.pipelab.os.unix.async;

import dev.pipelab.api.PipeAddress;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Set;

/** The filesystem rules of PROTOCOL.md for Unix socket endpoints. */
final class UnixSocketFiles {

    /** sun_path holds 108 bytes on Linux and 104 on macOS, one of them the terminating NUL. */
    static final int MAX_PATH_BYTES =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac") ? 103 : 107;

    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private UnixSocketFiles() {}

    /** Refuses a path that does not fit sun_path, naming the path and the limit. */
    static void checkLength(Path path) throws IOException {
        int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PATH_BYTES) {
            throw new IOException("socket path " + path + " is " + bytes + " bytes long; the limit (sun_path) is "
                    + MAX_PATH_BYTES + " bytes. Use a shorter path or a pipelab:NAME name");
        }
    }

    /**
     * Makes sure the directory exists. Directories created here, and the directory of a mapped
     * name, are made owner-only (0700) so no other user can reach the socket; a directory the
     * user named is left as it is.
     */
    static void prepareDirectory(PipeAddress address) throws IOException {
        Path dir = address.path().getParent();
        if (dir == null) {
            return;
        }
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
            } else if (address.named()) {
                Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
            }
        } catch (AccessDeniedException e) {
            throw new IOException("cannot prepare the socket directory " + dir + ": permission denied", e);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create the socket directory " + dir + ": a file is in the way", e);
        }
    }

    /**
     * Clears the way for a new socket at {@code path}: a live server's socket is never taken
     * over; a stale socket file (nobody accepting) is removed; anything else is left alone.
     */
    static void clearStale(Path path) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!attrs.isOther()) {
            throw new IOException(path + " already exists and is not a socket; refusing to replace it");
        }
        if (isLive(path)) {
            throw new IOException(path + " is already in use by a running server");
        }
        Files.deleteIfExists(path);
    }

    /** True when a server accepts connections at {@code path} now. */
    static boolean isLive(Path path) throws IOException {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.configureBlocking(false); // a full backlog must not make the probe wait
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return switch (UnixErrno.ofConnect(e, path)) {
                case ECONNREFUSED, ENOENT -> false; // a socket file nobody listens on, or gone meanwhile
                case EAGAIN -> true; // a live server whose backlog is full
                case EACCES -> throw new IOException(path + " belongs to another user's server: permission denied", e);
                default -> throw e;
            };
        }
    }

    /** The identity of the file now at {@code path}, or null if there is none. */
    static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
        } catch (IOException e) {
            return null;
        }
    }
}
