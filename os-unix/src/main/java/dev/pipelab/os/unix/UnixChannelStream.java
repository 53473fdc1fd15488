package dev.pipelab.os.unix;

import dev.pipelab.api.PeerIdentity;
import dev.pipelab.os.unix.blocking.UnixStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.OptionalLong;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the NIO seam's blocking style: the JDK's blocking channel, whose calls park a
 * virtual thread on the JDK's own poller instead of blocking its carrier.
 */
final class UnixChannelStream implements UnixStream {

    private static final Logger log = LoggerFactory.getLogger(UnixChannelStream.class);

    private final SocketChannel channel;

    UnixChannelStream(SocketChannel channel) {
        this.channel = channel;
    }

    static PeerIdentity peerOf(SocketChannel channel) {
        try {
            UnixDomainPrincipal principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return new PeerIdentity(
                    principal.user().getName(), principal.group().getName(), OptionalLong.empty());
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("no peer credentials: {}", e.toString());
            return PeerIdentity.UNKNOWN;
        }
    }

    @Override
    public int read(ByteBuffer into) throws IOException {
        return channel.read(into);
    }

    @Override
    public long write(ByteBuffer[] from) throws IOException {
        return from.length == 1 ? channel.write(from[0]) : channel.write(from);
    }

    @Override
    public void shutdownInput() throws IOException {
        channel.shutdownInput(); // wakes a thread blocked in read: it sees end-of-stream
    }

    @Override
    public PeerIdentity peer() {
        return peerOf(channel);
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
