package dev.pipelab.os.unix;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.os.unix.async.UnixCompletionPipe;
import dev.pipelab.os.unix.async.UnixOverlappedPipe;
import dev.pipelab.os.unix.blocking.UnixConnects;
import dev.pipelab.os.unix.blocking.UnixNamedPipe;
import dev.pipelab.spi.os.ClientEnd;
import dev.pipelab.spi.os.CompletionPipe;
import dev.pipelab.spi.os.NamedPipe;
import dev.pipelab.spi.os.OverlappedPipe;
import dev.pipelab.spi.os.PipeSystem;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * The seam on Linux and macOS: a pipe name is an AF_UNIX stream socket at a path, an instance a
 * slot that accepts one connection from it. Plain JDK channels; no native code.
 */
final class UnixPipeSystem implements PipeSystem {

    /** The one instance: it holds no state. */
    static final UnixPipeSystem INSTANCE = new UnixPipeSystem();

    private UnixPipeSystem() {}

    @Override
    public String describe() {
        return "AF_UNIX sockets (JDK channels)";
    }

    @Override
    public PipeAddress resolve(String spec) {
        return UnixAddresses.resolve(spec);
    }

    @Override
    public ClientEnd connectClient(PipeAddress address, Duration timeout) throws IOException {
        return UnixConnects.connectWaiting(address, timeout, a -> {
            SocketChannel channel = UnixClients.tryConnect(a);
            return channel == null ? null : UnixClientEnd.over(channel);
        });
    }

    @Override
    public NamedPipe createNamedPipe(PipeServerConfig config) throws IOException {
        return new UnixNamedPipe<>(UnixServerChannel.claim(config), UnixChannelStream::new);
    }

    @Override
    public OverlappedPipe createOverlappedPipe(PipeServerConfig config) throws IOException {
        return new UnixOverlappedPipe(UnixSelectorIo.claim(config));
    }

    @Override
    public CompletionPipe createCompletionPipe(PipeServerConfig config) throws IOException {
        return new UnixCompletionPipe(UnixSelectorIo.claim(config));
    }

    @Override
    public String toString() {
        return "UnixPipeSystem";
    }
}
