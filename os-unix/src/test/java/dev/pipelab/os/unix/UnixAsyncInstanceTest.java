package dev.pipelab.os.unix;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.protocol.Frames;
import dev.pipelab.spi.os.OverlappedInstance;
import dev.pipelab.spi.os.OverlappedPipe;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replies to a client that pipelines gather in the instance's outbound buffer and leave
 * together; whatever path they leave by (the last reply, a read that has to wait, a flush), the
 * client gets every one, in order.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UnixAsyncInstanceTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private OverlappedPipe pipe;
    private OverlappedInstance instance;
    private SocketChannel client;

    @Test
    void repliesGatheredWhileRequestsWaitAllArriveInOrder() throws IOException {
        connectAndPipeline(3);
        serve(3);

        assertThat(replies(3)).containsExactly("reply 0", "reply 1", "reply 2");
    }

    @Test
    void repliesWaitWhileAWholeRequestOfTheClientIsHereAndLeaveWithTheLast() throws IOException {
        connectAndPipeline(3);
        serve(2);
        client.configureBlocking(false);
        assertThat(client.read(ByteBuffer.allocate(64)))
                .as("nothing sent while request 2 waits here")
                .isZero();

        serve(1, 2);

        assertThat(replies(3)).containsExactly("reply 0", "reply 1", "reply 2");
    }

    @Test
    void aReplyIsSentAtOnceWhenOnlyPartOfTheNextRequestIsHere() throws IOException {
        connectAndPipeline(1);
        ByteBuffer part = Frames.encode("request 1".getBytes(UTF_8)).limit(6); // the length word and two bytes
        client.write(part);
        serve(1);

        assertThat(replies(1)).containsExactly("reply 0");
    }

    @Test
    void repliesGatheredWhenTheSessionEndsLeaveWithTheFlushThenTheInstanceDisconnects() throws IOException {
        connectAndPipeline(3);
        serve(2); // the third request is read into the instance, not served: the two replies wait

        if (!instance.flush()) { // FlushFileBuffers
            assertThat(pipe.waitForAny(List.of(instance), 0, WAIT))
                    .as("the flush finished")
                    .isZero();
        }
        assertThat(instance.getOverlappedResult()).isTrue();
        instance.disconnect();

        assertThat(replies(2)).containsExactly("reply 0", "reply 1");
        client.configureBlocking(true);
        assertThat(client.read(ByteBuffer.allocate(16)))
                .as("then the end of the stream")
                .isEqualTo(-1);
    }

    /**
     * Replies gathered while a client's next request waits here do not wait for the loop to go
     * idle: once no request of the client is left here and its next read has to wait for the
     * socket, they leave, though the loop never waits (this test never calls waitForAny).
     */
    @Test
    void repliesGatheredLeaveOnceTheNextReadHasToWaitThoughTheLoopNeverWaits() throws IOException {
        connectAndPipeline(2);
        serve(1); // reply 0 gathers: request 1 is already here
        assertThat(instance.read()).as("request 1 was here already").isTrue();
        assertThat(instance.getOverlappedResult()).isTrue();
        assertThat(new String(instance.takeMessage(), UTF_8)).isEqualTo("request 1"); // answered with nothing

        assertThat(instance.read())
                .as("no request left here: this read waits for the client")
                .isFalse();

        assertThat(replies(1)).containsExactly("reply 0");
    }

    private void connectAndPipeline(int requests) throws IOException {
        PipeServerConfig config =
                PipeServerConfig.builder(dir.resolve("gather.sock").toString()).build();
        pipe = UnixPipeSystem.INSTANCE.createOverlappedPipe(config);
        instance = pipe.createInstance();
        assertThat(instance.connect()).isFalse();
        client = SocketChannel.open(UnixDomainSocketAddress.of(config.address().path()));
        assertThat(pipe.waitForAny(List.of(instance), 0, WAIT))
                .as("the connect finished")
                .isZero();
        assertThat(instance.getOverlappedResult()).isTrue();
        ByteBuffer all = ByteBuffer.allocate(1024);
        for (int i = 0; i < requests; i++) {
            all.put(Frames.encode(("request " + i).getBytes(UTF_8)));
        }
        all.flip();
        while (all.hasRemaining()) {
            client.write(all); // all in one go: the first read takes them together
        }
    }

    /** Reads and answers {@code n} requests; after the first, each read finishes at once from what was read. */
    private void serve(int n) throws IOException {
        serve(n, 0);
    }

    private void serve(int n, int first) throws IOException {
        for (int i = first; i < first + n; i++) {
            if (!instance.read()) {
                assertThat(pipe.waitForAny(List.of(instance), 0, WAIT))
                        .as("request %d read", i)
                        .isZero();
            }
            assertThat(instance.getOverlappedResult()).isTrue();
            assertThat(new String(instance.takeMessage(), UTF_8)).isEqualTo("request " + i);
            assertThat(instance.write(("reply " + i).getBytes(UTF_8)))
                    .as("reply %d written at once", i)
                    .isTrue();
            assertThat(instance.getOverlappedResult()).isTrue();
        }
    }

    private List<String> replies(int n) throws IOException {
        return ClientReplies.read(client, n); // blocking: a bounded wait, under the class's timeout
    }

    @AfterEach
    void closeEverything() throws IOException {
        if (client != null) {
            client.close();
        }
        if (instance != null) {
            instance.close();
        }
        if (pipe != null) {
            pipe.close();
        }
    }
}
