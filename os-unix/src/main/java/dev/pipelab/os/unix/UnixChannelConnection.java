package dev.pipelab.os.unix;

import dev.pipelab.api.PeerIdentity;
import dev.pipelab.os.unix.async.UnixAsyncInstance;
import dev.pipelab.os.unix.async.UnixConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A client of the NIO transport: a non-blocking channel and its key in the io's Selector, which
 * is level-triggered, so interest is turned on while an operation waits and off when the key
 * reports ready with none waiting.
 */
final class UnixChannelConnection implements UnixConnection {

    private final UnixSelectorIo io;
    private final SocketChannel channel;
    private SelectionKey key;

    UnixChannelConnection(UnixSelectorIo io, SocketChannel channel) {
        this.io = io;
        this.channel = channel;
    }

    @Override
    public void register(UnixAsyncInstance instance) throws IOException {
        channel.configureBlocking(false);
        key = channel.register(io.selector(), 0, instance);
    }

    @Override
    public int read(ByteBuffer into) throws IOException {
        return channel.read(into);
    }

    /**
     * Sends through the loop's one direct buffer where it fits: one write call from memory the
     * kernel reads directly, where a heap buffer would make the JDK copy into a temporary one.
     */
    @Override
    public int write(ByteBuffer from) throws IOException {
        ByteBuffer shared = io.writeBuffer();
        if (from.remaining() > shared.capacity()) {
            return channel.write(from);
        }
        shared.clear();
        shared.put(from.duplicate()).flip();
        int n = channel.write(shared);
        from.position(from.position() + n);
        return n;
    }

    /*
     * Interest is added when an operation has to wait, and removed only when the selector
     * reports the key ready with no operation waiting. A finished operation leaves its interest
     * registered: the next one usually starts before the next select, and turning it off and on
     * again would cost two epoll_ctl calls a message.
     */
    @Override
    public void wantReady(int op) {
        if (key != null && key.isValid() && (key.interestOps() & op) == 0) {
            key.interestOps(key.interestOps() | op);
        }
    }

    @Override
    public void notReady(int op) {
        if (key != null && key.isValid() && (key.interestOps() & op) != 0) {
            key.interestOps(key.interestOps() & ~op);
        }
    }

    @Override
    public PeerIdentity peer() {
        return UnixChannelStream.peerOf(channel);
    }

    @Override
    public void close() {
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            // the descriptor is released either way
        }
    }
}
