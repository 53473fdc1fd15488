package dev.pipelab.api.os.unix;

import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.os.CompletionPipe;
import dev.pipelab.api.os.NamedPipe;
import dev.pipelab.api.os.OverlappedPipe;
import dev.pipelab.api.os.PipeSystem;
import java.io.IOException;

/**
 * The seam on Linux and macOS: a pipe name is an AF_UNIX stream socket at a path, an instance a
 * slot that accepts one connection from it. Plain JDK channels; no native code.
 */
public final class UnixPipeSystem implements PipeSystem {

    /** The one instance: it holds no state. */
    public static final UnixPipeSystem INSTANCE = new UnixPipeSystem();

    private UnixPipeSystem() {
    }

    @Override
    public String describe() {
        return "AF_UNIX sockets (JDK channels)";
    }

    @Override
    public NamedPipe createNamedPipe(PipeServerConfig config) throws IOException {
        return new UnixNamedPipe(UnixListener.claim(config));
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
