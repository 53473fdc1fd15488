package dev.pipelab.os.unix.async;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The errno values the Unix seam acts on, and how to tell them from a JDK channel's exception.
 *
 * <p>The JDK's channels hand errno over in two parts: the class of the exception, chosen by the
 * errno's value (ECONNREFUSED is a {@link ConnectException}, EACCES and EADDRINUSE are a
 * {@link BindException}, ECONNRESET on a read a plain {@link SocketException}), and a message
 * from {@code strerror}, which the C library translates into the user's language ("Connexion
 * refusée"). So the seam never reads the message: it takes the errno from the class where the
 * JDK encodes it there, and, where several errno values share a class, from the state of the
 * socket file, which tells them apart for the one call that failed.
 */
public enum UnixErrno {

    /** Nobody listens at the path, or it is not a socket. */
    ECONNREFUSED,
    /** The user may not search a directory of the path, or write the socket. */
    EACCES,
    /** No file at the path, or a directory of it missing. */
    ENOENT,
    /** A connect to a live server whose backlog is full: ERROR_PIPE_BUSY. */
    EAGAIN,
    /** A socket, or another file, is already at the path. */
    EADDRINUSE,
    /** The peer closed the connection without reading what it was sent. */
    ECONNRESET,
    /** Any other failure: the exception says what. */
    OTHER;

    /** The errno of a failed connect(2) to {@code socket}. */
    public static UnixErrno ofConnect(IOException e, Path socket) {
        if (e instanceof ConnectException) {
            return ECONNREFUSED;
        }
        if (e instanceof BindException) {
            return EACCES; // on connect, EACCES is the only errno the JDK maps to BindException
        }
        if (e.getClass() == SocketException.class) {
            // ENOENT, ENOTDIR, EAGAIN and the rarer ones share this class: the file decides.
            if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                return ENOENT;
            }
            return isSocket(socket) ? EAGAIN : OTHER;
        }
        return OTHER;
    }

    /** The errno of a failed bind(2) to {@code socket}. */
    public static UnixErrno ofBind(IOException e, Path socket) {
        if (e instanceof BindException) {
            // EADDRINUSE and EACCES share this class: a file at the path means it was in use.
            return Files.exists(socket, LinkOption.NOFOLLOW_LINKS) ? EADDRINUSE : EACCES;
        }
        if (e.getClass() == SocketException.class && !Files.exists(socket.getParent(), LinkOption.NOFOLLOW_LINKS)) {
            return ENOENT;
        }
        return OTHER;
    }

    /** The errno of a failed read(2) on a connected channel. */
    public static UnixErrno ofRead(IOException e) {
        // The JDK turns ECONNRESET (and EPIPE) on a read into a SocketException of its own; every
        // other read failure is a plain IOException or a ClosedChannelException.
        return e.getClass() == SocketException.class ? ECONNRESET : OTHER;
    }

    private static boolean isSocket(Path path) {
        try {
            return Files.readAttributes(
                            path, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .isOther();
        } catch (IOException gone) {
            return false;
        }
    }
}
