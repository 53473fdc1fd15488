package dev.pipelab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's connect without waiting, which drivers of many connections build on. */
class PipeClientTest {

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
            while ((next = PipeClient.tryConnect(address)) != null && connected.size() < 100) {
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
    void tryConnectToNoServerSaysSoInsteadOfBusy() {
        PipeAddress nobody = PipeAddress.resolve(dir.resolve("nobody.sock").toString());

        assertThatThrownBy(() -> PipeClient.tryConnect(nobody)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("no PipeLab server at " + nobody);
    }
}
