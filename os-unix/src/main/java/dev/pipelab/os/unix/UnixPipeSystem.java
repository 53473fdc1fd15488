package dev.pipelab.os.unix;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.os.unix.async.UnixCompletionPipe;
import dev.pipelab.os.unix.async.UnixOverlappedPipe;
import dev.pipelab.os.unix.blocking.UnixNamedPipe;
import dev.pipelab.spi.os.ClientEnd;
import dev.pipelab.spi.os.CompletionPipe;
import dev.pipelab.spi.os.NamedPipe;
import dev.pipelab.spi.os.OverlappedPipe;
import dev.pipelab.spi.os.PipeSystem;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The seam on Linux and macOS: a pipe name is an AF_UNIX stream socket at a path, an instance a
 * slot that accepts one connection from it. Plain JDK channels; no native code.
 */
final class UnixPipeSystem implements PipeSystem {

    /** The one instance: it holds no state. */
    static final UnixPipeSystem INSTANCE = new UnixPipeSystem();

    /** How long a client waits before it tries a busy server again, as WaitNamedPipe would wait. */
    private static final long BUSY_RETRY_NANOS = Duration.ofMillis(5).toNanos();

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
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            SocketChannel channel = UnixClients.tryConnect(address);
            if (channel != null) {
                return UnixClientEnd.over(channel);
            }
            // every instance busy and the backlog full (ERROR_PIPE_BUSY): wait and try again
            if (System.nanoTime() - deadline >= 0) {
                throw new SocketTimeoutException("server at " + address + " stayed busy for " + timeout);
            }
            LockSupport.parkNanos(BUSY_RETRY_NANOS);
        }
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
