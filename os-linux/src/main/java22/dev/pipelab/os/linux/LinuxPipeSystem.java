package dev.pipelab.os.linux;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.os.unix.UnixPipeSystemProvider;
import dev.pipelab.os.unix.async.UnixCompletionPipe;
import dev.pipelab.os.unix.async.UnixListener;
import dev.pipelab.os.unix.async.UnixOverlappedPipe;
import dev.pipelab.os.unix.blocking.UnixConnects;
import dev.pipelab.os.unix.blocking.UnixNamedPipe;
import dev.pipelab.spi.os.ClientEnd;
import dev.pipelab.spi.os.CompletionPipe;
import dev.pipelab.spi.os.NamedPipe;
import dev.pipelab.spi.os.OverlappedPipe;
import dev.pipelab.spi.os.PipeSystem;
import java.io.IOException;
import java.time.Duration;

/**
 * The native seam: the overlapped and completion styles on an epoll instance per server, the
 * blocking style and the client's end on descriptors that park their callers on the
 * {@link LinuxPoller}, all through raw system calls; names are the NIO seam's (see
 * {@link LinuxPipeSystemProvider}).
 */
final class LinuxPipeSystem implements PipeSystem {

    private static final LinuxPipeSystem INSTANCE = new LinuxPipeSystem();

    private final PipeSystem nio = new UnixPipeSystemProvider().pipeSystem();

    private LinuxPipeSystem() {}

    /** The one instance; the provider calls this by name, on JDK 22 or newer only. */
    static PipeSystem instance() {
        return INSTANCE;
    }

    @Override
    public String describe() {
        return "AF_UNIX sockets (raw system calls through java.lang.foreign: overlapped and completion on an epoll"
                + " loop, blocking style and client end parking on a native epoll poller)";
    }

    @Override
    public PipeAddress resolve(String spec) {
        return nio.resolve(spec);
    }

    @Override
    public ClientEnd connectClient(PipeAddress address, Duration timeout) throws IOException {
        return UnixConnects.connectWaiting(address, timeout, LinuxClientEnd::tryConnect);
    }

    @Override
    public NamedPipe createNamedPipe(PipeServerConfig config) throws IOException {
        return new UnixNamedPipe<>(UnixListener.claim(config, LinuxSocketListener::bind), socket -> socket);
    }

    @Override
    public OverlappedPipe createOverlappedPipe(PipeServerConfig config) throws IOException {
        return new UnixOverlappedPipe(LinuxEpollIo.claim(config));
    }

    @Override
    public CompletionPipe createCompletionPipe(PipeServerConfig config) throws IOException {
        return new UnixCompletionPipe(LinuxEpollIo.claim(config));
    }

    @Override
    public String toString() {
        return "LinuxPipeSystem";
    }
}
