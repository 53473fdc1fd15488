package dev.pipelab.os.linux;

import dev.pipelab.api.PeerIdentity;
import dev.pipelab.os.unix.async.UnixListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The listening socket of the native seam's blocking style, under {@link UnixListener} (which
 * owns the socket file, its mode and the pauses after a failed accept): a {@link LinuxSocket}
 * whose accept parks the calling instance's thread until a client comes. Every instance of a
 * named pipe accepts from it; they take turns through a lock, as on a JDK server channel, since
 * the socket has one waiter per direction. The lock is taken once per client, not per message.
 */
final class LinuxSocketListener implements UnixListener.Socket<LinuxSocket> {

    private final LinuxSocket socket;
    private final ReentrantLock accepting = new ReentrantLock();
    private final LinuxPeers peers = new LinuxPeers(); // guarded by accepting

    private LinuxSocketListener(LinuxSocket socket) {
        this.socket = socket;
    }

    /** socket, bind and listen at {@code path}; the binder of {@link UnixListener#claim}. */
    static LinuxSocketListener bind(Path path, int backlog) throws IOException {
        return new LinuxSocketListener(
                LinuxSocket.over(LinuxListenSocket.listen(path, backlog), LinuxSocket.LISTENING, PeerIdentity.UNKNOWN));
    }

    /** Waits for the next client; its socket, with the peer SO_PEERCRED names. */
    @Override
    public LinuxSocket accept() throws IOException {
        accepting.lock();
        try {
            int client = socket.accept();
            return LinuxSocket.accepted(client, peers.of(client));
        } finally {
            accepting.unlock();
        }
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    /** Wakes the instance parked in accept, which fails with AsynchronousCloseException; the others find it closed. */
    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "LinuxSocketListener[" + socket + "]";
    }
}
