package dev.pipelab.api.os.unix;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.os.NamedPipe;
import dev.pipelab.api.os.PipeInstance;
import java.io.IOException;
import java.net.BindException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A claimed socket path: one listening AF_UNIX socket that every instance accepts from. */
final class UnixNamedPipe implements NamedPipe {

    private static final Logger log = LoggerFactory.getLogger(UnixNamedPipe.class);

    private final PipeServerConfig config;
    private final ServerSocketChannel listener;
    private final Object fileKey;

    private UnixNamedPipe(PipeServerConfig config, ServerSocketChannel listener, Object fileKey) {
        this.config = config;
        this.listener = listener;
        this.fileKey = fileKey;
    }

    static UnixNamedPipe claim(PipeServerConfig config) throws IOException {
        PipeAddress address = config.address();
        Path path = address.path();
        UnixSocketFiles.checkLength(path);
        UnixSocketFiles.prepareDirectory(address);
        UnixSocketFiles.clearStale(path);
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            // The backlog is where clients wait while every instance is busy (ERROR_PIPE_BUSY).
            listener.bind(UnixDomainSocketAddress.of(path), Math.max(config.maxInstances(), 128));
        } catch (BindException e) {
            listener.close();
            throw new IOException(path + " is already in use by a running server", e);
        } catch (SocketException e) {
            listener.close();
            if (String.valueOf(e.getMessage()).contains("Permission denied")) {
                throw new IOException("cannot create the socket " + path + ": permission denied", e);
            }
            throw new IOException("cannot create the socket " + path + ": " + e.getMessage(), e);
        }
        try {
            Files.setPosixFilePermissions(path, config.socketFileMode());
        } catch (IOException | RuntimeException e) {
            listener.close();
            Files.deleteIfExists(path);
            throw new IOException("cannot set the mode of the socket " + path + ": " + e.getMessage(), e);
        }
        log.debug("listening at {}", path);
        return new UnixNamedPipe(config, listener, UnixSocketFiles.fileKey(path));
    }

    @Override
    public PipeAddress address() {
        return config.address();
    }

    @Override
    public PipeInstance createInstance() {
        return new UnixPipeInstance(listener, config.maxMessageBytes());
    }

    @Override
    public boolean isOpen() {
        return listener.isOpen();
    }

    @Override
    public void close() {
        if (!listener.isOpen()) {
            return;
        }
        try {
            listener.close();
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
        return "UnixNamedPipe[" + config.address() + (isOpen() ? "" : ", closed") + "]";
    }
}
