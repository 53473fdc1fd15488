package dev.pipelab.os.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.pipelab.api.PeerIdentity;
import dev.pipelab.os.unix.async.UnixListener;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
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
    private final Arena arena = Arena.ofAuto();
    private final LinuxSys.Errno errno = new LinuxSys.Errno(arena); // guarded by accepting
    private final MemorySegment ucred = arena.allocate(LinuxSys.UCRED); // guarded by accepting
    private final MemorySegment ucredLength = arena.allocate(JAVA_INT); // guarded by accepting
    private final Map<Integer, String> users = new HashMap<>(); // guarded by accepting
    private final Map<Integer, String> groups = new HashMap<>(); // guarded by accepting

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
            return LinuxSocket.over(client, LinuxSocket.CONNECTED, peerOf(client));
        } finally {
            accepting.unlock();
        }
    }

    /** SO_PEERCRED: the peer's user, group and process; names looked up once per id. */
    private PeerIdentity peerOf(int fd) {
        ucredLength.set(JAVA_INT, 0, (int) LinuxSys.UCRED.byteSize());
        if (LinuxSys.peerCredentials(errno, fd, ucred, ucredLength) < 0) {
            return PeerIdentity.UNKNOWN;
        }
        int pid = ucred.get(JAVA_INT, 0);
        int uid = ucred.get(JAVA_INT, 4);
        int gid = ucred.get(JAVA_INT, 8);
        return new PeerIdentity(
                users.computeIfAbsent(uid, LinuxSys::userName),
                groups.computeIfAbsent(gid, LinuxSys::groupName),
                OptionalLong.of(pid));
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
