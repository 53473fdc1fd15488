package dev.pipelab.api;

import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Who is at the other end of a session, as the operating system reports it: on Unix the
 * socket's peer credentials (SO_PEERCRED), on Windows the client process of the pipe and the
 * user its access token names.
 *
 * @param user the peer's user name, or {@code "?"} when the OS does not tell
 * @param group the peer's primary group name, or {@code "?"} when the OS does not tell
 * @param pid the peer's process id where the OS gives it (the JDK does not on Unix)
 * @param groups every group the peer is known to be a member of, {@code group} among them when
 *     known: on Unix the primary group only (SO_PEERCRED tells no more), on Windows the groups of
 *     the client's access token
 */
public record PeerIdentity(String user, String group, OptionalLong pid, Set<String> groups) {

    /** The identity of a peer the OS says nothing about. */
    public static final PeerIdentity UNKNOWN = new PeerIdentity("?", "?", OptionalLong.empty());

    public PeerIdentity {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(pid, "pid");
        groups = Set.copyOf(groups);
    }

    /** A peer known by its user and primary group only. */
    public PeerIdentity(String user, String group, OptionalLong pid) {
        this(user, group, pid, "?".equals(group) ? Set.of() : Set.of(group));
    }

    /** True if the peer is a member of {@code groupName}, as far as the OS tells. */
    public boolean isMemberOf(String groupName) {
        return group.equals(groupName) || groups.contains(groupName);
    }

    @Override
    public String toString() {
        return user + ":" + group + (pid.isPresent() ? " pid " + pid.getAsLong() : "");
    }
}
