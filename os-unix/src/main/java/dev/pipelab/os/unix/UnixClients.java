package dev.pipelab.os.unix;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.os.unix.async.UnixErrno;
import dev.pipelab.os.unix.blocking.UnixConnects;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * The client's connect on Unix, for tools that drive many connections from one thread (the
 * report's load driver): one attempt, without waiting, on a non-blocking channel. Everyone else
 * uses {@link dev.pipelab.api.PipeClient}, which waits while the server is busy.
 */
public final class UnixClients {

    private UnixClients() {}

    /**
     * One attempt to connect to {@code address}, without waiting.
     *
     * @return a connected channel in non-blocking mode, or null when every instance is busy and
     *     the server's backlog is full (EAGAIN, the ERROR_PIPE_BUSY of a socket): try again later
     * @throws ConnectException if no server listens there, or this user may not connect
     */
    public static SocketChannel tryConnect(PipeAddress address) throws IOException {
        if (address.kind() != PipeAddress.Kind.UNIX_SOCKET) {
            throw new IllegalArgumentException(address + " is not a Unix socket path");
        }
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.configureBlocking(false);
            if (!channel.connect(UnixDomainSocketAddress.of(address.path()))) {
                throw new IOException("connect to " + address + " did not complete"); // AF_UNIX connects at once
            }
            return channel;
        } catch (IOException e) {
            channel.close();
            IOException refusal = UnixConnects.refusal(UnixErrno.ofConnect(e, address.path()), address, e);
            if (refusal == null) {
                return null;
            }
            throw refusal;
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }
}
