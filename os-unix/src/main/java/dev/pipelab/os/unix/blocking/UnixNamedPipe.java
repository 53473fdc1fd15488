package dev.pipelab.os.unix.blocking;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.os.unix.async.UnixListener;
import dev.pipelab.spi.os.NamedPipe;
import dev.pipelab.spi.os.PipeInstance;

/**
 * The blocking style on Unix: every instance accepts, in turn, from the one listening socket,
 * and reads and writes through the stream its transport makes of the accepted client.
 */
public final class UnixNamedPipe<C> implements NamedPipe {

    private final UnixListener<C> listener;
    private final UnixStream.Opener<C> opener;

    /** Instances accept from {@code listener}, which blocks until a client comes, and talk through {@code opener}'s streams. */
    public UnixNamedPipe(UnixListener<C> listener, UnixStream.Opener<C> opener) {
        this.listener = listener;
        this.opener = opener;
    }

    @Override
    public PipeAddress address() {
        return listener.address();
    }

    @Override
    public PipeInstance createInstance() {
        return new UnixPipeInstance<>(listener, opener, listener.config().maxMessageBytes());
    }

    @Override
    public boolean isOpen() {
        return listener.isOpen();
    }

    @Override
    public void close() {
        listener.close();
    }

    @Override
    public String toString() {
        return "UnixNamedPipe[" + listener + "]";
    }
}
