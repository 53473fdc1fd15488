package dev.pipelab.api;

import java.util.OptionalLong;

/**
 * Who is at the other end of a session, as the operating system reports it: on Unix the
 * socket's peer credentials (SO_PEERCRED), on Windows the client process of the pipe.
 *
 * @param user the peer's user name, or {@code "?"} when the OS does not tell
 * @param group the peer's primary group name, or {@code "?"} when the OS does not tell
 * @param pid the peer's process id where the OS gives it (the JDK does not on Unix)
 */
public record PeerIdentity(String user, String group, OptionalLong pid) {

    /** The identity of a peer the OS says nothing about. */
    public static final PeerIdentity UNKNOWN = new PeerIdentity("?", "?", OptionalLong.empty());

    @Override
    public String toString() {
        return user + ":" + group + (pid.isPresent() ? " pid " + pid.getAsLong() : "");
    }
}
