package dev.pipelab.testsuite;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pipelab.api.PipeClient;
import dev.pipelab.api.PipeErrorException;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.handler.AnswerHandler;
import dev.pipelab.api.handler.CounterHandler;
import dev.pipelab.api.protocol.Frames;
import dev.pipelab.spi.os.ClientEnd;
import dev.pipelab.spi.os.PipeSystems;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every engine keeps: the wire protocol, ordering, limits, errors that stay with
 * one session, and a clean lifecycle. An engine module runs it with a subclass that names its
 * factory. Every blocking wait here is bounded; failures name the engine and its live state.
 */
public abstract class PipeServerContract extends ContractSupport {

    // ---- the protocol

    @Test
    void echoesAMessage() throws IOException {
        PipeServer server = start();
        try (PipeClient client = connect(server)) {
            assertThat(client.request("Default message from client."))
                    .as("%s", server)
                    .isEqualTo("Default message from client.");
        }
    }

    @ParameterizedTest(name = "payload of {0} bytes")
    @ValueSource(
            ints = {
                0,
                1,
                255,
                256,
                257,
                8191,
                8192,
                8193,
                16383,
                16384,
                16385,
                65_531,
                65_532,
                65_533,
                MAX_MESSAGE - 1,
                MAX_MESSAGE
            }) // the edges of the buffers the engines read and write with
    void echoesEverySizeUpToTheMaximum(int size) throws IOException {
        PipeServer server = start();
        PipeClient client = connect(server);
        byte[] payload = ContractHandler.bigPayload(size);
        assertThat(client.request(payload)).as("%s", server).isEqualTo(payload);
    }

    @Test
    void rejectsAMessageOneByteOverTheMaximumWithAnErrorFrame() throws IOException {
        PipeServer server = start();
        PipeClient client = connect(server);
        client.sendRaw(Frames.header(MAX_MESSAGE + 1)); // the length alone is enough to refuse it
        assertThatThrownBy(client::receive)
                .isInstanceOf(PipeErrorException.class)
                .hasMessage("message of " + (MAX_MESSAGE + 1) + " bytes exceeds maxMessageBytes=" + MAX_MESSAGE);
        assertThat(client.receive())
                .as("connection closed after the error frame")
                .isNull();
        await().atMost(WAIT).until(() -> server.stats().errorFrames() == 1);
    }

    @Test
    void rejectsTheReservedBitWithAnErrorFrame() throws IOException {
        PipeServer server = start();
        PipeClient client = connect(server);
        client.sendRaw(ByteBuffer.allocate(4).putInt(0, 0x8000_0005));
        assertThatThrownBy(client::receive)
                .isInstanceOf(PipeErrorException.class)
                .hasMessageContaining("reserved bit");
    }

    @Test
    void readsAFrameSplitAtEveryByte() throws IOException {
        PipeServer server = start();
        PipeClient client = connect(server);
        ByteBuffer frame = Frames.encode("split at every byte".getBytes(UTF_8));
        while (frame.hasRemaining()) {
            client.sendRaw(ByteBuffer.wrap(new byte[] {frame.get()}));
        }
        assertThat(client.receiveText()).as("%s", server).isEqualTo("split at every byte");
    }

    @Test
    void readsCoalescedFramesAndAnswersInOrder() throws IOException {
        PipeServer server = start();
        PipeClient client = connect(server);
        ByteBuffer all = ByteBuffer.allocate(1000);
        for (int i = 0; i < 20; i++) {
            all.put(Frames.encode(("m" + i).getBytes(UTF_8)));
        }
        all.put(Frames.encode(new byte[0]));
        client.sendRaw(all.flip());
        for (int i = 0; i < 20; i++) {
            assertThat(client.receiveText()).as("%s", server).isEqualTo("m" + i);
        }
        assertThat(client.receive()).isEmpty();
    }

    @Test
    void answersPipelinedRequestsInOrder() throws IOException {
        PipeServer server = start();
        PipeClient client = connect(server);
        for (int i = 0; i < 500; i++) {
            client.send("request " + i);
        }
        for (int i = 0; i < 500; i++) {
            assertThat(client.receiveText()).as("%s", server).isEqualTo("request " + i);
        }
    }

    @Test
    void handlerMaySendSeveralRepliesToOneRequest() throws IOException {
        PipeServer server = start();
        PipeClient client = connect(server);
        client.send("twice:x");
        client.send("after");
        assertThat(List.of(client.receiveText(), client.receiveText(), client.receiveText()))
                .containsExactly("x", "x", "after");
    }

    @Test
    void sessionKnowsItsPeer() throws IOException {
        PipeServer server = start();
        connect(server).request("hello");
        assertThat(handler.peers).hasSize(1);
        assertThat(handler.peers.peek().user()).isEqualTo(System.getProperty("user.name"));
    }

    // ---- limits and backpressure

    @Test
    void clientsBeyondMaxInstancesWaitAndAreServedInTurn() throws Exception {
        PipeServer server = start(b -> b.maxInstances(2));
        if (!TestPipes.areSocketFiles()) {
            clientsBeyondMaxInstancesWaitToConnect(server);
            return;
        }
        List<PipeClient> queue = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            PipeClient c = connect(server);
            c.send("client " + i);
            queue.add(c);
        }
        await().atMost(WAIT).until(() -> server.stats().messagesIn() == 2);
        assertThat(server.stats().active()).as("%s", server).isEqualTo(2);
        // Clients are served in the order they connected; each that leaves makes room for the next.
        for (int i = 0; i < 5; i++) {
            PipeClient next = queue.get(i);
            assertThat(next.receiveText()).as("%s", server).isEqualTo("client " + i);
            assertThat(server.stats().active()).isLessThanOrEqualTo(2);
            next.close();
        }
        assertThat(server.stats().accepted()).isEqualTo(5);
    }

    /**
     * A named pipe has no accept backlog: with every instance taken, a client's connect gets
     * ERROR_PIPE_BUSY and waits (WaitNamedPipe) until an instance listens again. So the clients
     * beyond maxInstances wait in their connect, not in a queue, and in no promised order; each
     * is served once a served client leaves.
     */
    private void clientsBeyondMaxInstancesWaitToConnect(PipeServer server) throws Exception {
        List<PipeClient> served = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            PipeClient c = connect(server);
            c.send("client " + i);
            served.add(c);
        }
        await().atMost(WAIT).until(() -> server.stats().messagesIn() == 2);
        // platform threads: a waiting connect blocks in WaitNamedPipe
        ExecutorService waiting = Executors.newFixedThreadPool(3);
        try {
            List<Future<String>> later = new ArrayList<>();
            for (int i = 2; i < 5; i++) {
                String text = "client " + i;
                later.add(waiting.submit(() -> {
                    try (PipeClient c =
                            PipeClient.connect(server.address(), WAIT).ioTimeout(WAIT)) {
                        c.send(text);
                        return c.receiveText();
                    }
                }));
            }
            assertThat(server.stats().active()).as("%s", server).isEqualTo(2);
            assertThat(later).as("connects while every instance is taken").noneMatch(Future::isDone);
            for (int i = 0; i < 2; i++) {
                assertThat(served.get(i).receiveText()).as("%s", server).isEqualTo("client " + i);
                served.get(i).close();
            }
            for (int i = 0; i < 3; i++) {
                assertThat(later.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("client " + (i + 2));
            }
        } finally {
            waiting.shutdownNow();
            assertThat(waiting.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isTrue();
        }
        assertThat(server.stats().accepted()).isEqualTo(5);
    }

    /**
     * Backpressure: while a client reads none of its replies, the server stops reading its
     * requests, and holds no more than the replies of the request in hand; what the OS buffers
     * is not the server's. So the client's sends stop going through (one times out) long before
     * it has sent what it meant to, whatever the size of the kernel's buffers; another client is
     * served meanwhile; once the client reads, every reply arrives.
     */
    @Test
    void stopsReadingFromAClientThatDoesNotReadItsReplies() throws Exception {
        int size = 32 * 1024;
        int meant = 10_000; // 320 MB: more than any socket buffer holds
        PipeServer server = start();
        PipeClient client = connect(server);
        PipeClient other = connect(server);

        int sent = sendUntilASendTimesOut(client, size, meant);

        assertThat(sent)
                .as("requests sent before the server stopped reading them, %s", server)
                .isLessThan(meant);
        assertThat(other.request("still served")).as("%s", server).isEqualTo("still served");
        assertThat(server.stats().peakQueuedBytes())
                .as("queued at most the reply in hand, in %s", server)
                .isPositive()
                .isLessThanOrEqualTo(Frames.frameBytes(size));
        byte[] expected = ContractHandler.bigPayload(size);
        for (int i = 0; i < sent; i++) { // the one that timed out went part of the way: the server waits for the rest
            assertThat(client.receive())
                    .as("reply %d of %d from %s", i, sent, server)
                    .isEqualTo(expected);
        }
        assertThat(server.stats().errorFrames()).as("%s", server).isZero();
    }

    /** Sends {@code size}-byte requests until one takes longer than half a second; returns how many went whole. */
    static int sendUntilASendTimesOut(PipeClient client, int size, int atMost) throws IOException {
        client.ioTimeout(Duration.ofMillis(500));
        int sent = 0;
        try {
            while (sent < atMost) {
                client.send(ContractHandler.bigPayload(size));
                sent++;
            }
        } catch (java.net.SocketTimeoutException full) {
            // the server has stopped reading from this client
        }
        client.ioTimeout(WAIT);
        return sent;
    }

    // ---- one bad client hurts nobody else

    @Test
    void handlerExceptionEndsOnlyItsSession() throws IOException {
        PipeServer server = start();
        PipeClient good = connect(server);
        PipeClient bad = connect(server);
        assertThat(good.request("before")).isEqualTo("before");
        bad.send("fail");
        assertThatThrownBy(bad::receive)
                .isInstanceOf(PipeErrorException.class)
                .hasMessage("handler failed: the test asked this handler to fail"); // plain words, no class names
        assertThat(bad.receive()).isNull();
        assertThat(good.request("after")).as("%s", server).isEqualTo("after");
    }

    @Test
    void clientVanishingMidFrameHurtsNobodyElse() throws IOException {
        PipeServer server = start();
        PipeClient good = connect(server);
        try (PipeClient vanishing = PipeClient.connect(server.address(), WAIT)) {
            vanishing.sendRaw(ByteBuffer.wrap(new byte[] {0, 0, 1, 0, 'h', 'a', 'l', 'f'}));
            assertThat(good.request("one")).isEqualTo("one");
        }
        await().atMost(WAIT).until(() -> server.stats().active() == 1);
        assertThat(good.request("two")).as("%s", server).isEqualTo("two");
        assertThat(server.stats().errorFrames()).isZero();
    }

    @Test
    void clientVanishingMidReplyHurtsNobodyElse() throws IOException {
        PipeServer server = start();
        PipeClient good = connect(server);
        try (PipeClient vanishing = PipeClient.connect(server.address(), WAIT)) {
            vanishing.send("big:" + MAX_MESSAGE);
            vanishing.send("big:" + MAX_MESSAGE);
            vanishing.receive(); // part of the replies read, then gone
        }
        await().atMost(WAIT).until(() -> server.stats().active() == 1);
        assertThat(good.request("still here")).as("%s", server).isEqualTo("still here");
    }

    @Test
    void closesAnIdleSession() throws IOException {
        PipeServer server = start(b -> b.idleTimeout(Duration.ofMillis(200)));
        PipeClient idle = connect(server);
        assertThat(idle.request("hi")).isEqualTo("hi");
        assertThat(idle.receive(WAIT)).as("an idle client is disconnected").isNull();
        await().atMost(WAIT).until(() -> server.stats().active() == 0);
    }

    // ---- lifecycle

    /**
     * Every reply owed when a session ends gracefully arrives, whole, however slowly the client
     * reads: each of four clients pipelines three requests, the first answered with 4 MiB, which
     * it reads 4 KiB at a time; the second's reply (32 KiB) waits behind it, where a server may
     * gather it; the third ends the session. Then each reads to the end of the stream. (Four at
     * once, because whether the socket is full when a session ends depends on the kernel's
     * buffer; one of four is, often enough, to show a server that drops what it did not send.)
     */
    @Test
    void aGracefulEndDeliversEveryOwedReplyWholeToAClientThatReadsSlowly() throws Exception {
        PipeServer server = start(b -> b.gracePeriod(Duration.ofSeconds(60)));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Void>> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                clients.add(pool.submit(() -> {
                    slowClientEndingGracefully(server);
                    return null;
                }));
            }
            for (Future<Void> client : clients) {
                client.get(WAIT.toSeconds() * 3, TimeUnit.SECONDS);
            }
        }
    }

    private static void slowClientEndingGracefully(PipeServer server) throws IOException {
        int big = 4 << 20;
        int second = 32 << 10;
        try (ClientEnd client = PipeSystems.select().pipeSystem().connectClient(server.address(), WAIT)) {
            ByteBuffer requests = ByteBuffer.allocate(100);
            for (String request : List.of("big:" + big, "big:" + second, "close")) {
                requests.put(Frames.encode(request.getBytes(UTF_8)));
            }
            assertThat(client.write(new ByteBuffer[] {requests.flip()}, deadline()))
                    .isTrue(); // one write: read together
            java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
            ByteBuffer chunk = ByteBuffer.allocate(4096);
            for (int n; (n = client.read(chunk.clear(), deadline())) != -1; ) {
                assertThat(n).as("bytes within %s of %s", WAIT, server).isPositive();
                stream.write(chunk.array(), 0, n);
                java.util.concurrent.locks.LockSupport.parkNanos(100_000); // a slow reader: 4 KiB at a time
            }
            ByteBuffer received = ByteBuffer.wrap(stream.toByteArray());
            dev.pipelab.api.protocol.FrameDecoder decoder = dev.pipelab.api.protocol.FrameDecoder.forClient(big);
            assertThat(decoder.decode(received))
                    .as("the 4 MiB reply, whole, from %s", server)
                    .isEqualTo(ContractHandler.bigPayload(big));
            assertThat(decoder.decode(received))
                    .as("the 32 KiB reply, whole, from %s (%d bytes received)", server, received.limit())
                    .isEqualTo(ContractHandler.bigPayload(second));
            assertThat(received.hasRemaining())
                    .as("%d bytes after the owed replies", received.remaining())
                    .isFalse();
        }
    }

    /**
     * A reply does not wait for the server to be idle. One client keeps it busy with pipelined
     * requests, without end; meanwhile another pipelines a request and one whose handler pushes
     * to the other sessions and answers nothing. The first reply arrives while the burst goes on.
     */
    @Test
    void aReplyIsNotHeldBackWhileTheServerStaysBusy() throws Exception {
        PipeServer server = start();
        PipeClient busy = connect(server);
        PipeClient asker = connect(server);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong sentInAll = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Void> writer = pool.submit(() -> {
                ByteBuffer frames = ByteBuffer.allocate(8 * 1000);
                long sent = 0;
                while (!stop.get()) {
                    frames.clear();
                    for (int i = 0; i < 1000; i++) {
                        frames.putInt(4).putInt(i);
                    }
                    busy.sendRaw(frames.flip());
                    sent += 1000;
                }
                sentInAll.set(sent);
                return null;
            });
            Future<Void> reader = pool.submit(() -> {
                for (long replies = 0; replies < sentInAll.get(); ) {
                    byte[] m = busy.receive();
                    assertThat(m).as("reply %d of the burst", replies).isNotNull();
                    if (m.length != 1) { // the push from the asker is one byte
                        replies++;
                    }
                }
                return null;
            });
            try {
                await().atMost(WAIT).until(() -> server.stats().messagesIn() > 10_000);
                ByteBuffer two = ByteBuffer.allocate(64)
                        .put(Frames.encode("first".getBytes(UTF_8)))
                        .put(Frames.encode("push:x".getBytes(UTF_8)));
                asker.sendRaw(two.flip());

                assertThat(asker.receiveText())
                        .as("the reply, while %s is kept busy", server)
                        .isEqualTo("first");
                assertThat(writer.isDone()).as("the burst still going").isFalse();
            } finally {
                stop.set(true);
            }
            writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            reader.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static long deadline() {
        return System.nanoTime() + WAIT.toNanos();
    }

    @Test
    void closeWritesOwedRepliesWithinTheGracePeriodAndLeavesNothingBehind() throws Exception {
        PipeServer server = start(b -> b.gracePeriod(Duration.ofSeconds(5)));
        Path socket = TestPipes.areSocketFiles() ? server.address().path() : null;
        PipeClient idle = connect(server);
        PipeClient busy = connect(server);
        assertThat(idle.request("x")).isEqualTo("x");
        for (int i = 0; i < 50; i++) {
            busy.send("big:" + 50_000); // 2.5 MB owed; the client reads only after close starts
        }
        await().atMost(WAIT).until(() -> server.stats().messagesIn() >= 2);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        int received = 0;
        byte[] expected = ContractHandler.bigPayload(50_000);
        for (byte[] reply; (reply = busy.receive()) != null; received++) {
            assertThat(reply).isEqualTo(expected);
        }
        closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat((long) received)
                .as("every request read was answered")
                .isEqualTo(server.stats().messagesIn() - 1);
        assertThat(server.stats().accepted())
                .as("sessions of %s, and no phantom ones while stopping", server)
                .isEqualTo(2);
        assertThat(handler.peers)
                .as("only real clients reached the handler")
                .hasSize(2)
                .allSatisfy(peer -> assertThat(peer.user()).isNotEqualTo("?"));
        assertThat(idle.receive()).as("idle client disconnected").isNull();
        if (socket != null) {
            assertThat(Files.exists(socket)).as("socket file removed").isFalse();
        }
        idle.close(); // a client end may use a thread of the seam's too (Windows' completion port)
        busy.close();
        assertThat(pipelabThreadsLeft()).as("threads left by %s", server).isEmpty();
        server.close(); // idempotent
        assertThat(server.isRunning()).isFalse();
    }

    @Test
    void closeForcesAClientThatReadsNothingAfterTheGracePeriod() throws Exception {
        Duration grace = Duration.ofMillis(300);
        PipeServer server = start(b -> b.gracePeriod(grace));
        PipeClient stubborn = connect(server);
        stubborn.send("big:" + MAX_MESSAGE);
        stubborn.send("big:" + MAX_MESSAGE);
        await().atMost(WAIT).until(() -> server.stats().messagesIn() >= 1);

        long start = System.nanoTime();
        assertTimeoutPreemptively(WAIT, server::close, () -> "close of " + server + " did not return");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        // It waits the grace period for the client, then forces it out. An engine that did not
        // force it would be joined only at its join margin, 10 s after the grace period: the
        // bound below lies far from both, on a machine as loaded as it may be.
        assertThat(took).as("close of %s waited for the owed replies", server).isGreaterThanOrEqualTo(grace);
        assertThat(took)
                .as("close of %s forced the client out after the grace period of %s", server, grace)
                .isLessThan(grace.plusSeconds(5));
        int frames = 0;
        for (byte[] m; (m = stubborn.receive()) != null; frames++) {
            assertThat(frames).as("replies before the end").isLessThan(2);
        }
        stubborn.close();
        assertThat(pipelabThreadsLeft()).as("threads left by %s", server).isEmpty();
    }

    @Test
    void closeBeforeStartAndTwiceIsHarmless() throws IOException {
        PipeServerConfig config =
                PipeServerConfig.builder(TestPipes.spec(dir, "n.sock")).build();
        PipeServer never = factory().create(config, handler);
        never.close();
        never.close();
        assertThat(never.isRunning()).isFalse();
        assertThatThrownBy(never::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void restartsOnTheSamePath() throws IOException {
        PipeServer first = start();
        assertThat(connect(first).request("one")).isEqualTo("one");
        first.close();
        PipeServer second = start();
        assertThat(connect(second).request("two")).isEqualTo("two");
    }

    @Test
    void refusesAPathALiveServerHoldsAndLeavesItAlone() throws IOException {
        PipeServer first = start();
        PipeServer second = factory()
                .create(PipeServerConfig.builder(first.address().value()).build(), handler);
        track(second);
        assertThatThrownBy(second::start)
                .isInstanceOf(IOException.class)
                .hasMessageContaining(first.address().value())
                .hasMessageContaining("already in use by a running server");
        assertThat(connect(first).request("still mine")).isEqualTo("still mine");
    }

    @Test
    void replacesAStaleSocketFile() throws IOException {
        assumeTrue(TestPipes.areSocketFiles(), "socket files are Unix's; Windows pipes are names");
        PipeServer first = start();
        Path socket = first.address().path();
        // A crashed server leaves its socket file: simulate by keeping a copy of the inode's name.
        first.close();
        try (var stale = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            stale.bind(java.net.UnixDomainSocketAddress.of(socket));
        } // closed without unlinking: a stale file nobody listens on
        assertThat(Files.exists(socket)).isTrue();
        PipeServer second = start();
        assertThat(connect(second).request("fresh")).isEqualTo("fresh");
    }

    @Test
    void createsTheSocketOwnerOnly() throws IOException {
        assumeTrue(TestPipes.areSocketFiles(), "socket files are Unix's; Windows pipes are names");
        PipeServer server = start();
        assertThat(PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(server.address().path())))
                .isEqualTo("rw-------");
    }

    @Test
    void refusesAPathLongerThanSunPath() {
        assumeTrue(TestPipes.areSocketFiles(), "socket files are Unix's; Windows pipes are names");
        String longPath = dir.resolve("x".repeat(120) + ".sock").toString();
        PipeServer server = factory().create(PipeServerConfig.builder(longPath).build(), handler);
        track(server);
        assertThatThrownBy(server::start)
                .isInstanceOf(IOException.class)
                .hasMessageContaining(longPath)
                .hasMessageContaining("limit");
    }

    // ---- the built-in handlers: the SDK's answer, coordinating clients, a shared resource

    @Test
    void answersLikeTheSdkSample() throws IOException {
        PipeServer server = start(builtIn("answer"), b -> b);
        PipeClient client = connect(server);
        assertThat(client.request("Default message from client.")).isEqualTo(AnswerHandler.ANSWER);
        assertThat(client.request("anything")).isEqualTo(AnswerHandler.ANSWER);
    }

    @Test
    void broadcastReachesEveryOtherClientOnceInOneTotalOrder() throws Exception {
        int players = 6;
        int moves = 50;
        ConnectCountingHandler counting = new ConnectCountingHandler(builtIn("broadcast"));
        PipeServer server = start(counting, b -> b);
        List<PipeClient> clients = new ArrayList<>();
        for (int i = 0; i < players; i++) {
            clients.add(connect(server));
        }
        await().atMost(WAIT).until(() -> counting.connected() == players);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<String>>> seen = new ArrayList<>();
            List<Future<Void>> sending = new ArrayList<>();
            for (int i = 0; i < players; i++) {
                PipeClient c = clients.get(i);
                int player = i;
                seen.add(pool.submit(() -> {
                    List<String> got = new ArrayList<>();
                    while (got.size() < (players - 1) * moves) {
                        got.add(c.receiveText());
                    }
                    return got;
                }));
                sending.add(pool.submit(() -> {
                    for (int m = 0; m < moves; m++) {
                        c.send(player + ":" + m);
                    }
                    return null;
                }));
            }
            for (Future<Void> s : sending) {
                s.get(WAIT.toSeconds(), TimeUnit.SECONDS); // a send that failed fails the test
            }
            List<List<String>> received = new ArrayList<>();
            for (Future<List<String>> f : seen) {
                received.add(f.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            }
            for (int x = 0; x < players; x++) {
                String me = x + ":";
                List<String> mine = received.get(x);
                assertThat(mine)
                        .as("player %d on %s", x, server)
                        .doesNotHaveDuplicates()
                        .noneMatch(m -> m.startsWith(me))
                        .hasSize((players - 1) * moves);
                for (int y = x + 1; y < players; y++) {
                    String other = y + ":";
                    assertThat(mine.stream().filter(m -> !m.startsWith(other)).toList())
                            .as("players %d and %d see the moves of the others in the same order", x, y)
                            .isEqualTo(received.get(y).stream()
                                    .filter(m -> !m.startsWith(me))
                                    .toList());
                }
            }
        }
    }

    @Test
    void aBroadcastListenerThatDoesNotReadIsDisconnectedAndNobodyWaitsForIt() throws Exception {
        int moves = 400;
        ConnectCountingHandler counting = new ConnectCountingHandler(builtIn("broadcast"));
        PipeServer server = start(counting, b -> b.maxMessageBytes(8192).outboundQueueBytes(64 * 1024));
        PipeClient sleeper = connect(server);
        PipeClient player = connect(server);
        PipeClient listener = connect(server);
        await().atMost(WAIT).until(() -> counting.connected() == 3);
        byte[] move = new byte[4096];
        // The listener reads; the sleeper never does. Moves go in rounds the listener keeps up
        // with, so only the sleeper falls behind by more than the bound.
        for (int round = 0; round < moves / 8; round++) {
            for (int i = 0; i < 8; i++) {
                player.send(move);
            }
            for (int i = 0; i < 8; i++) {
                assertThat(listener.receive())
                        .as("round %d on %s", round, server)
                        .hasSize(4096);
            }
        }
        await().atMost(WAIT).until(() -> server.stats().errorFrames() == 1);
        assertThatThrownBy(() -> {
                    while (sleeper.receive() != null) {
                        // the moves it was sent before it fell behind
                    }
                })
                .isInstanceOf(PipeErrorException.class)
                .hasMessageContaining("the client is not reading");
        assertThat(server.stats().peakQueuedBytes()).isLessThanOrEqualTo(64 * 1024 + Frames.frameBytes(4096));
    }

    @Test
    void counterAddsEveryAcknowledgedDeltaOnceAndKeepsItAcrossARestart() throws Exception {
        int clientsCount = 8;
        int updates = 100;
        Path file = dir.resolve("counter");
        PipeServer server = start(builtIn("counter"), b -> b);
        long expected = 0;
        List<Callable<Void>> work = new ArrayList<>();
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < clientsCount; i++) {
            PipeClient c = connect(server);
            long[] deltas = random.longs(updates, -1000, 1000).toArray();
            expected += java.util.Arrays.stream(deltas).sum();
            work.add(() -> {
                for (long d : deltas) {
                    assertThat(c.request(Long.toString(d))).matches("-?[0-9]+");
                }
                return null;
            });
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<Void> f : pool.invokeAll(work, WAIT.toSeconds(), TimeUnit.SECONDS)) {
                f.get();
            }
        }
        assertThat(CounterHandler.readTotal(file))
                .as("the file after %s", server)
                .isEqualTo(expected);
        server.close();

        PipeServer restarted = start(builtIn("counter"), b -> b);
        PipeClient c = connect(restarted);
        assertThat(c.request("0")).isEqualTo(Long.toString(expected));
        assertThat(c.request("+5")).isEqualTo(Long.toString(expected + 5));
        assertThat(CounterHandler.readTotal(file)).isEqualTo(expected + 5);
    }

    @Test
    void counterRefusesWhatIsNotADeltaAndLosesNothing() throws IOException {
        PipeServer server = start(builtIn("counter"), b -> b);
        PipeClient good = connect(server);
        PipeClient bad = connect(server);
        assertThat(good.request("7")).isEqualTo("7");
        bad.send("seven");
        assertThatThrownBy(bad::receive)
                .isInstanceOf(PipeErrorException.class)
                .hasMessageContaining("counter requests are decimal deltas like 5 or -3, not 'seven'");
        assertThat(good.request("1")).isEqualTo("8");
    }
}
