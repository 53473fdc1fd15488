package dev.pipelab.os.unix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeClient;
import dev.pipelab.api.protocol.Frames;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's connect without waiting, which drivers of many connections build on. */
class UnixClientsTest {

    @TempDir
    Path dir;

    @Test
    void tryConnectSaysBusyWithNullOnceTheBacklogIsFull() throws IOException {
        Path socket = dir.resolve("busy.sock");
        List<SocketChannel> connected = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket), 1); // never accepts: the backlog fills
            PipeAddress address = PipeAddress.resolve(socket.toString());
            SocketChannel next;
            while ((next = UnixClients.tryConnect(address)) != null && connected.size() < 100) {
                connected.add(next);
            }
            assertThat(next).as("busy after %d connections", connected.size()).isNull();
            assertThat(connected).isNotEmpty().allSatisfy(ch -> {
                assertThat(ch.isConnected()).isTrue();
                assertThat(ch.isBlocking()).isFalse();
            });
        } finally {
            for (SocketChannel ch : connected) {
                ch.close();
            }
        }
    }

    @Test
    void tryConnectToNoSocketFileSaysSoInsteadOfBusy() {
        PipeAddress nobody = PipeAddress.resolve(dir.resolve("nobody.sock").toString());

        assertThatThrownBy(() -> UnixClients.tryConnect(nobody))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("no PipeLab server at " + nobody + " (no such socket file)");
    }

    /**
     * A server that closes while requests of its client lie unread makes the kernel report a
     * reset to the client, after the replies it did send: the client reads those, then the end,
     * as {@link PipeClient#receive()} promises, not an exception.
     */
    @Test
    void aClientWhoseRequestsTheServerLeftUnreadReadsTheRepliesThenTheEnd() throws IOException {
        Path socket = dir.resolve("reset.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            try (PipeClient client = PipeClient.connect(PipeAddress.resolve(socket.toString()), Duration.ofSeconds(10))
                    .ioTimeout(Duration.ofSeconds(10))) {
                client.send("one");
                client.send("two");
                try (SocketChannel accepted = server.accept()) {
                    accepted.write(Frames.encode("reply".getBytes(StandardCharsets.UTF_8)));
                } // closed with both requests unread: ECONNRESET for the client

                assertThat(client.receiveText()).isEqualTo("reply");
                assertThat(client.receive()).as("then the end, not a reset").isNull();
            }
        }
    }

    @Test
    void tryConnectToAStaleSocketSaysNobodyListens() throws IOException {
        Path socket = dir.resolve("stale.sock");
        try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(socket));
        } // closed without unlinking
        assertThat(Files.exists(socket)).isTrue();

        assertThatThrownBy(() -> UnixClients.tryConnect(PipeAddress.resolve(socket.toString())))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("no PipeLab server is listening at");
    }
}
