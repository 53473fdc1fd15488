package dev.pipelab.os.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.pipelab.api.PeerIdentity;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Who is at the other end of an accepted socket: SO_PEERCRED's process, user and group, the
 * names looked up once per id. One per listener; used by one thread at a time (the loop's, or
 * the instance that holds the accept lock).
 */
final class LinuxPeers {

    private final Arena arena = Arena.ofAuto(); // freed with this object
    private final LinuxSys.Errno errno = new LinuxSys.Errno(arena);
    private final MemorySegment ucred = arena.allocate(LinuxSys.UCRED);
    private final MemorySegment ucredLength = arena.allocate(JAVA_INT);
    private final Map<Integer, String> users = new HashMap<>();
    private final Map<Integer, String> groups = new HashMap<>();

    /** The peer of {@code fd}; {@link PeerIdentity#UNKNOWN} if the kernel will not say. */
    PeerIdentity of(int fd) {
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
}
