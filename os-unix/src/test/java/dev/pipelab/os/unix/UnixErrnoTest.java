package dev.pipelab.os.unix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelab.os.unix.async.UnixErrno;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * errno comes from the exception's class and the socket file, never from the message, which the
 * C library writes in the user's language: here every message is German, as strerror gives it
 * under {@code LANG=de_DE.UTF-8}, and each failure is still told apart.
 */
class UnixErrnoTest {

    @TempDir
    Path dir;

    @Test
    void aConnectFailureIsToldApartByItsClassAndTheSocketFile() throws IOException {
        Path socket = socketFile();
        Path missing = dir.resolve("missing.sock");

        assertThat(UnixErrno.ofConnect(new ConnectException("Verbindungsaufbau abgelehnt"), socket))
                .isEqualTo(UnixErrno.ECONNREFUSED);
        assertThat(UnixErrno.ofConnect(new BindException("Keine Berechtigung"), socket))
                .isEqualTo(UnixErrno.EACCES);
        assertThat(UnixErrno.ofConnect(new SocketException("Die Ressource ist zur Zeit nicht verfügbar"), socket))
                .isEqualTo(UnixErrno.EAGAIN);
        assertThat(UnixErrno.ofConnect(new SocketException("Datei oder Verzeichnis nicht gefunden"), missing))
                .isEqualTo(UnixErrno.ENOENT);
    }

    @Test
    void aBindFailureIsInUseWhenAFileIsThereAndDeniedWhenNot() throws IOException {
        Path socket = socketFile();

        assertThat(UnixErrno.ofBind(new BindException("Die Adresse wird bereits verwendet"), socket))
                .isEqualTo(UnixErrno.EADDRINUSE);
        assertThat(UnixErrno.ofBind(new BindException("Keine Berechtigung"), dir.resolve("nothing-here.sock")))
                .isEqualTo(UnixErrno.EACCES);
    }

    @Test
    void aResetOnAReadIsTheJdksOwnSocketExceptionAndNothingElseIs() {
        assertThat(UnixErrno.ofRead(new SocketException("Connection reset"))).isEqualTo(UnixErrno.ECONNRESET);
        assertThat(UnixErrno.ofRead(new IOException("Eingabe-/Ausgabefehler"))).isEqualTo(UnixErrno.OTHER);
    }

    private Path socketFile() throws IOException {
        Path socket = dir.resolve("s.sock");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(Files.exists(socket)).isTrue();
        return socket;
    }
}
