package dev.pipelab.os.unix;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.os.unix.async.UnixListener;
import dev.pipelab.spi.os.NamedPipe;
import dev.pipelab.spi.os.PipeInstance;
import java.nio.channels.SocketChannel;

/** The blocking style on Unix: every instance accepts, in turn, from the one listening socket. */
final class UnixNamedPipe implements NamedPipe {

    private final UnixListener<SocketChannel> listener;

    UnixNamedPipe(UnixListener<SocketChannel> listener) {
        this.listener = listener;
    }

    @Override
    public PipeAddress address() {
        return listener.address();
    }

    @Override
    public PipeInstance createInstance() {
        return new UnixPipeInstance(listener, listener.config().maxMessageBytes());
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
