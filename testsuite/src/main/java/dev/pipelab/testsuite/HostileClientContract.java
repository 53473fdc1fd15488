package dev.pipelab.testsuite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pipelab.api.PipeClient;
import dev.pipelab.api.PipeErrorException;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.protocol.FrameDecoder;
import dev.pipelab.api.protocol.Frames;
import dev.pipelab.api.protocol.ProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Clients that break the rules, or behave as badly as the rules allow: each bad session gets
 * the error frame and the close PROTOCOL.md prescribes, and everybody else is served as if
 * nothing happened. Memory is judged by the engine's queue sizes, never by timings.
 */
public abstract class HostileClientContract extends ContractSupport {

    /** A well-behaved client, served throughout. */
    private void stillServed(PipeServer server, PipeClient good, String probe) throws IOException {
        assertThat(good.request(probe)).as("a good client of %s", server).isEqualTo(probe);
    }

    @Test
    void aHugeLengthGetsAnErrorFrameWithoutTheServerAllocatingIt() throws IOException {
        PipeServer server = start();
        PipeClient good = connect(server);
        PipeClient bad = connect(server);
        bad.sendRaw(ByteBuffer.allocate(4).putInt(0, Integer.MAX_VALUE));
        assertThatThrownBy(bad::receive).isInstanceOf(PipeErrorException.class)
                .hasMessage("message of 2147483647 bytes exceeds maxMessageBytes=" + MAX_MESSAGE);
        stillServed(server, good, "after a huge length");
    }

    @Test
    void randomGarbageGetsWhatTheProtocolSaysAndNothingElseBreaks() throws IOException {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        PipeServer server = start();
        PipeClient good = connect(server);
        int expectedErrors = 0;
        for (int i = 0; i < 40; i++) {
            byte[] garbage = new byte[1 + random.nextInt(64)];
            random.nextBytes(garbage);
            if (random.nextBoolean()) {
                garbage[0] &= 0x7f; // half the time a plausible length word: the maximum decides
            }
            List<byte[]> echoes = new ArrayList<>();
            String error = modelOf(garbage, echoes);
            try (PipeClient bad = PipeClient.connect(server.address(), WAIT).ioTimeout(WAIT)) {
                bad.sendRaw(ByteBuffer.wrap(garbage));
                for (byte[] echo : echoes) {
                    assertThat(bad.receive()).as("seed %d, client %d", seed, i).isEqualTo(echo);
                }
                if (error != null) {
                    expectedErrors++;
                    assertThatThrownBy(bad::receive).as("seed %d, client %d", seed, i)
                            .isInstanceOf(PipeErrorException.class).hasMessage(error);
                }
            }
            stillServed(server, good, "after garbage " + i);
        }
        int errors = expectedErrors;
        await().atMost(WAIT).until(() -> server.stats().errorFrames() == errors);
    }

    /** What a server must do with {@code garbage}: the echoes it owes, and its error, if any. */
    private static String modelOf(byte[] garbage, List<byte[]> echoes) {
        FrameDecoder decoder = FrameDecoder.forServer(MAX_MESSAGE);
        ByteBuffer in = ByteBuffer.wrap(garbage);
        try {
            while (in.hasRemaining()) {
                byte[] message = decoder.decode(in);
                if (message != null) {
                    echoes.add(message);
                }
            }
            return null;
        } catch (ProtocolException e) {
            return e.getMessage();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aStormOfConnectsAndClosesHurtsNobody() throws IOException {
        PipeServer server = start();
        PipeClient good = connect(server);
        for (int i = 0; i < 300; i++) {
            try (PipeClient storm = PipeClient.connect(server.address(), WAIT).ioTimeout(WAIT)) {
                if (i % 3 == 1) {
                    storm.sendRaw(ByteBuffer.wrap(new byte[] {0, 0})); // half a length word, then gone
                } else if (i % 3 == 2) {
                    storm.send("and gone"); // a request whose reply nobody reads
                }
            }
            if (i % 50 == 0) {
                stillServed(server, good, "storm " + i);
            }
        }
        // Storm clients may still sit in the backlog: wait until every one was accepted and is gone.
        await().atMost(WAIT).until(() -> server.stats().accepted() == 301 && server.stats().active() == 1);
        stillServed(server, good, "after the storm");
        assertThat(server.stats().errorFrames()).isZero();
    }

    @Test
    void manyStalledClientsDoNotStopOthersBeingServed() throws IOException {
        PipeServer server = start();
        List<PipeClient> stalled = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            PipeClient c = connect(server);
            c.sendRaw(ByteBuffer.wrap(new byte[] {0})); // one byte of a length word, then nothing
            stalled.add(c);
        }
        PipeClient good = connect(server);
        for (int i = 0; i < 100; i++) {
            stillServed(server, good, "request " + i);
        }
        await().atMost(WAIT).until(() -> server.stats().active() == 101);
        for (PipeClient c : stalled) {
            c.close();
        }
        await().atMost(WAIT).until(() -> server.stats().active() == 1);
        assertThat(server.stats().errorFrames()).isZero();
    }

    @Test
    void aClientPipeliningWithoutReadingKeepsTheQueueBoundedAndIsServedWhenItReads() throws Exception {
        long bound = 128 * 1024;
        PipeServer server = start(b -> b.maxMessageBytes(32 * 1024).outboundQueueBytes(bound));
        PipeClient good = connect(server);
        PipeClient greedy = connect(server);
        int size = 16 * 1024;
        int sent = 0;
        // Send until the socket buffers and the server's queue are full and a send times out.
        PipeClient timing = greedy.ioTimeout(java.time.Duration.ofMillis(500));
        try {
            while (sent < 10_000) {
                timing.send(ContractHandler.bigPayload(size));
                sent++;
            }
        } catch (java.net.SocketTimeoutException full) {
            // the server stopped reading from this client: that is the backpressure
        }
        assertThat(sent).as("%s stopped reading long before the end", server).isLessThan(10_000);
        stillServed(server, good, "while another client is stuck");
        assertThat(server.stats().peakQueuedBytes()).as("%s", server).isLessThanOrEqualTo(bound + Frames.frameBytes(size));
        greedy.ioTimeout(WAIT);
        long read = server.stats().messagesIn() - 1; // minus the good client's request
        for (long i = 0; i < read; i++) {
            assertThat(greedy.receive()).hasSize(size);
        }
        assertThat(server.stats().errorFrames()).isZero();
    }
}
