package dev.pipelab.os.unix;

import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.os.unix.async.UnixListener;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** The listening socket of the NIO transport: the JDK's AF_UNIX server channel. */
final class UnixServerChannel implements UnixListener.Socket<SocketChannel> {

    private final ServerSocketChannel channel;

    private UnixServerChannel(ServerSocketChannel channel) {
        this.channel = channel;
    }

    /** Claims the endpoint of {@code config} with a server channel. */
    static UnixListener<SocketChannel> claim(PipeServerConfig config) throws IOException {
        return UnixListener.claim(config, (path, backlog) -> {
            ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                listener.bind(UnixDomainSocketAddress.of(path), backlog);
            } catch (IOException e) {
                listener.close();
                throw e;
            }
            return new UnixServerChannel(listener);
        });
    }

    /** The channel under {@code listener}, which {@link #claim} made. */
    static ServerSocketChannel of(UnixListener<SocketChannel> listener) {
        return ((UnixServerChannel) listener.socket()).channel;
    }

    @Override
    public SocketChannel accept() throws IOException {
        return channel.accept();
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
