package dev.pipelab.testsuite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeClient;
import dev.pipelab.api.PipeErrorException;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.protocol.FrameDecoder;
import dev.pipelab.api.protocol.Frames;
import dev.pipelab.api.protocol.ProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
        assertThatThrownBy(bad::receive)
                .isInstanceOf(PipeErrorException.class)
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
                    assertThatThrownBy(bad::receive)
                            .as("seed %d, client %d", seed, i)
                            .isInstanceOf(PipeErrorException.class)
                            .hasMessage(error);
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
        if (TestPipes.areSocketFiles()) {
            // Storm clients may still sit in the backlog: wait until every one was accepted and is gone.
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(server.stats().accepted() + " accepted, "
                                    + server.stats().active() + " active")
                            .as("%s", server)
                            .isEqualTo("301 accepted, 1 active"));
        } else {
            // A named pipe has no backlog: a storm client that came and went before the server's
            // ConnectNamedPipe was never connected (ERROR_NO_DATA), so nobody counts it.
            await().atMost(WAIT).until(() -> server.stats().active() == 1);
            assertThat(server.stats().accepted()).as("%s", server).isLessThanOrEqualTo(301);
        }
        stillServed(server, good, "after the storm");
        assertThat(server.stats().errorFrames()).isZero();
    }

    /**
     * A server out of descriptors (a limit of 200, in a process of its own) meets 400 clients: it
     * cannot accept them all, so it pauses accepting and logs once per pause (the pauses' own
     * timestamps lie a pause apart), serves the clients it has meanwhile, and accepts the others
     * as clients leave. An accept that fails is not the server's own failure: after pause upon
     * pause it is still running, and every client has been served.
     */
    @Test
    void aServerOutOfDescriptorsPausesAcceptingLogsOncePerPauseAndServesEveryClientInTheEnd() throws Exception {
        assumeTrue(TestPipes.areSocketFiles(), "a descriptor limit is Unix's; Windows has no such limit on handles");
        Path prlimit = Path.of("/usr/bin/prlimit");
        assumeTrue(Files.isExecutable(prlimit), "needs prlimit (util-linux) to give the server a descriptor limit");
        int limit = 200;
        int clientCount = 400;
        Path socket = dir.resolve("limited.sock");
        Path out = dir.resolve("server.out");
        Path err = dir.resolve("server.err");
        Process child = new ProcessBuilder(
                        prlimit.toString(),
                        "--nofile=" + limit + ":" + limit,
                        ProcessHandle.current().info().command().orElseThrow(),
                        "-Dguice_bytecode_gen_option=DISABLED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        StandaloneServer.class.getName(),
                        factory().getClass().getName(),
                        socket.toString())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        List<PipeClient> clients = new ArrayList<>();
        try {
            await().atMost(WAIT).until(() -> Files.readString(out).startsWith("READY") || !child.isAlive());
            assertThat(child.isAlive())
                    .as("the server started: %s", Files.readString(err))
                    .isTrue();
            PipeAddress address = PipeAddress.resolve(socket.toString());
            for (int i = 0; i < clientCount; i++) {
                PipeClient c = track(PipeClient.connect(address, WAIT).ioTimeout(WAIT)); // into the backlog
                c.send("client " + i);
                clients.add(c);
            }
            for (int i = 0; i < 50; i++) { // the first to come were accepted: they are served meanwhile
                assertThat(clients.get(i).receiveText())
                        .as("client %d; %s", i, Files.readString(err))
                        .isEqualTo("client " + i);
            }
            await().atMost(WAIT).until(() -> pauses(err).size() >= 2); // paused, tried again, paused again
            for (int i = 0; i < 50; i++) {
                clients.get(i).close();
            }
            for (int i = 50; i < clientCount; i++) { // each that leaves frees a descriptor for the next
                assertThat(clients.get(i).receiveText())
                        .as("client %d; %s", i, Files.readString(err))
                        .isEqualTo("client " + i);
                clients.get(i).close();
            }
            child.getOutputStream().close(); // the server stops
            assertThat(child.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("the server stopped")
                    .isTrue();
            assertThat(child.exitValue()).as(Files.readString(err)).isZero();
            assertThat(Files.readString(out))
                    .as("it never stopped by itself")
                    .contains("accepted=" + clientCount)
                    .contains("running=true");
            List<LocalTime> pauses = pauses(err);
            for (int i = 1; i < pauses.size(); i++) {
                assertThat(Duration.between(pauses.get(i - 1), pauses.get(i)))
                        .as("between pauses %d and %d: %s", i, i + 1, Files.readString(err))
                        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
            }
            assertThat(Files.readString(err)
                            .lines()
                            .filter(line -> line.contains(" WARN ") || line.contains(" ERROR ")))
                    .as("every warning is a pause")
                    .hasSize(pauses.size());
        } finally {
            child.destroyForcibly().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** When the server's log says it paused accepting, by the log's own clock. */
    private static List<LocalTime> pauses(Path log) throws IOException {
        return Files.readString(log)
                .lines()
                .filter(line -> line.contains("paused for"))
                .map(line -> LocalTime.parse(line.substring(0, "HH:mm:ss.SSS".length())))
                .toList();
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

    /**
     * A client that pipelines and never reads costs the server the replies of one request: the
     * server stops reading it (its sends stop going through), serves everybody else, and, once
     * the client reads, answers every request it sent whole.
     */
    @Test
    void aClientPipeliningWithoutReadingKeepsTheQueueBoundedAndIsServedWhenItReads() throws Exception {
        int size = 16 * 1024;
        PipeServer server = start(b -> b.maxMessageBytes(32 * 1024));
        PipeClient good = connect(server);
        PipeClient greedy = connect(server);

        int sent = PipeServerContract.sendUntilASendTimesOut(greedy, size, 10_000);

        assertThat(sent).as("%s stopped reading long before the end", server).isLessThan(10_000);
        stillServed(server, good, "while another client is stuck");
        assertThat(server.stats().peakQueuedBytes()).as("%s", server).isLessThanOrEqualTo(Frames.frameBytes(size));
        for (int i = 0; i < sent; i++) {
            assertThat(greedy.receive())
                    .as("reply %d of the %d it sent whole", i, sent)
                    .isEqualTo(ContractHandler.bigPayload(size));
        }
        assertThat(server.stats().errorFrames()).isZero();
    }
}
