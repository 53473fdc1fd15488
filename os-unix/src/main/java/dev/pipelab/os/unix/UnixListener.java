package dev.pipelab.os.unix;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeServerConfig;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A claimed socket path: the listening AF_UNIX socket every style of the Unix seam accepts
 * from, and the socket file it owns. The Unix counterpart of the first CreateNamedPipe with
 * FILE_FLAG_FIRST_PIPE_INSTANCE.
 */
final class UnixListener {

    private static final Logger log = LoggerFactory.getLogger(UnixListener.class);

    private final PipeServerConfig config;
    private final ServerSocketChannel channel;
    private final Object fileKey;

    private UnixListener(PipeServerConfig config, ServerSocketChannel channel, Object fileKey) {
        this.config = config;
        this.channel = channel;
        this.fileKey = fileKey;
    }

    /** Binds the socket of {@code config}, after the checks of PROTOCOL.md and DESIGN.md. */
    static UnixListener claim(PipeServerConfig config) throws IOException {
        PipeAddress address = config.address();
        Path path = address.path();
        UnixSocketFiles.checkLength(path);
        UnixSocketFiles.prepareDirectory(address);
        UnixSocketFiles.clearStale(path);
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            // The backlog is where clients wait while every instance is busy (ERROR_PIPE_BUSY).
            listener.bind(UnixDomainSocketAddress.of(path), Math.max(config.maxInstances(), 128));
        } catch (IOException e) {
            listener.close();
            throw switch (UnixErrno.ofBind(e, path)) {
                case EADDRINUSE -> new IOException(path + " is already in use by a running server", e);
                case EACCES -> new IOException("cannot create the socket " + path + ": permission denied", e);
                default -> new IOException("cannot create the socket " + path + ": " + e.getMessage(), e);
            };
        }
        try {
            Files.setPosixFilePermissions(path, config.socketFileMode());
        } catch (IOException | RuntimeException e) {
            listener.close();
            Files.deleteIfExists(path);
            throw new IOException("cannot set the mode of the socket " + path + ": " + e.getMessage(), e);
        }
        log.debug("listening at {}", path);
        return new UnixListener(config, listener, UnixSocketFiles.fileKey(path));
    }

    PipeServerConfig config() {
        return config;
    }

    PipeAddress address() {
        return config.address();
    }

    ServerSocketChannel channel() {
        return channel;
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    /** Stops listening and removes the socket file, if it is still ours. Idempotent. */
    void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("closing the listener at {} failed", address(), e);
        }
        Path path = config.address().path();
        // Remove the file only if it is still ours: a successor may already have replaced it.
        if (fileKey != null && Objects.equals(fileKey, UnixSocketFiles.fileKey(path))) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                log.warn("could not remove the socket file {}", path, e);
            }
        }
    }

    @Override
    public String toString() {
        return config.address() + (isOpen() ? "" : " (closed)");
    }
}
