package dev.pipelab.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeErrorException;
import dev.pipelab.api.protocol.FrameDecoder;
import dev.pipelab.os.unix.UnixClients;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The load of one run: many clients of one server, driven from one thread and one Selector so
 * that the driver stays cheap (a socket per client, never a thread). It runs in a process of its
 * own, beside the server's, and reads the server's CPU, memory and threads from {@code /proc}.
 *
 * <ol>
 *   <li>Connect the busy clients, retrying while the server's backlog is full; for broadcast,
 *       wait until the server has registered every player.
 *   <li>Warm up: every busy client talks for the warm-up time. The idle workload then connects
 *       its idle clients and warms up once more, measuring the server's memory before and after.
 *   <li>Measure {@code windows} windows back to back: replies verified, latency from request
 *       to verified reply (HdrHistogram), server CPU, and how evenly the clients were served.
 *   <li>Stop sending, wait for every reply still owed, run the workload's end-of-run check.
 * </ol>
 *
 * <p>Every reply is checked byte for byte; a wrong one is an error, counted and sampled, and
 * the driver exits 1. Bounded: each phase has a deadline, and what is unfinished then is an error.
 *
 * <p>Broadcast has no replies: each player's moves are delivered to the others, and each
 * delivery counts as a message, timed from the move's send time. A player sends its next move
 * only while fewer than {@code depth} of its moves are still undelivered to some player, so the
 * server never queues more than {@code players x depth} moves for anyone, far below the
 * per-session outbound bound past which it would drop a slow listener by design.
 */
public final class WorkloadDriver {

    /** Where {@link #main} prints its result, before the JSON. */
    public static final String RESULT_PREFIX = "RESULT ";

    private static final int MAX_ERROR_SAMPLES = 10;
    private static final long THREAD_SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);
    private static final long PROBE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /**
     * How to run.
     *
     * @param socket the server's socket path
     * @param workload what the clients do
     * @param serverPid the server's process id, to measure it
     * @param warmup talking before the first window
     * @param window length of each measured window
     * @param windows how many windows
     * @param connectTimeout how long all clients may take to connect
     * @param requestsPerClient requests each busy client sends before it stops; 0 for no limit,
     *     so that the windows alone end the run. With a limit, a window also ends once every busy
     *     client has its replies: a load test of exactly so many exchanges per client.
     */
    public record Settings(
            Path socket,
            Workload workload,
            long serverPid,
            Duration warmup,
            Duration window,
            int windows,
            Duration connectTimeout,
            long requestsPerClient) {}

    /** One client's connection and its place in the conversation. */
    private final class Client {
        final int id;
        final boolean busy;
        final long[] sentAt;
        SocketChannel channel;
        SelectionKey key;
        FrameDecoder decoder;
        ByteBuffer pending; // bytes of requests the socket did not take yet
        long sent;
        long received;
        long receivedInWindow;
        boolean failed;
        boolean everConnected;
        boolean joined; // broadcast: the server has delivered a frame to it, so it is registered as a player

        Client(int id, boolean busy) {
            this.id = id;
            this.busy = busy;
            this.sentAt = new long[settings.workload().depth()];
        }

        boolean sentAll() {
            return settings.requestsPerClient() > 0 && sent >= settings.requestsPerClient();
        }

        boolean answered() {
            return settings.requestsPerClient() > 0 && received >= settings.requestsPerClient();
        }

        long inFlight() {
            if (failed) {
                return 0;
            }
            return broadcast != null ? broadcast.undelivered(id) : sent - received;
        }
    }

    private final Settings settings;
    private final Workload workload;
    private final Exchange exchange;
    private final Exchange.Broadcast broadcast; // null unless the workload is broadcast
    private final PipeAddress address;
    private final ProcessMeter server;
    private final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    private final ByteBuffer writeBuffer;
    private final List<Client> busy = new ArrayList<>();
    private final List<Client> idle = new ArrayList<>();
    private final ArrayDeque<Client> reconnects = new ArrayDeque<>();
    private final List<String> errorSamples = new ArrayList<>();
    private Selector selector;
    private boolean sending = true;
    private long errors;
    private int settled; // busy clients with every reply they asked for, or failed: only with a request limit
    private long peakThreads;
    private long nextThreadSample;

    /** A driver for one run. */
    public WorkloadDriver(Settings settings) {
        this.settings = settings;
        this.workload = settings.workload();
        this.address = new PipeAddress(settings.socket().toString(), PipeAddress.Kind.UNIX_SOCKET, false);
        this.exchange = Exchange.of(workload, address);
        this.broadcast = exchange instanceof Exchange.Broadcast b ? b : null;
        this.server = ProcessMeter.of(settings.serverPid());
        this.writeBuffer = ByteBuffer.allocateDirect(exchange.requestFrameBytes() * workload.depth());
    }

    /** Runs the whole load; never throws for a server's fault, which shows as errors instead. */
    public DriverReport run() throws IOException {
        ProcessMeter.Footprint before = server.footprintAfterGc();
        List<DriverReport.Window> windows = new ArrayList<>();
        ProcessMeter.Footprint loaded = before;
        try (Selector s = Selector.open()) {
            selector = s;
            for (int i = 0; i < workload.clients(); i++) {
                busy.add(new Client(i, true));
            }
            for (int i = 0; i < workload.idleClients(); i++) {
                idle.add(new Client(workload.clients() + i, false));
            }
            connectAll(busy);
            if (broadcast != null) {
                awaitPlayersJoined();
            }
            try {
                exchange.prepare();
            } catch (IOException e) {
                error("preparing the workload: " + e.getMessage());
            }
            for (Client c : busy) {
                send(c);
            }
            pump(System.nanoTime() + settings.warmup().toNanos());
            if (!idle.isEmpty()) {
                // What an idle client costs is measured against a server already warm with the
                // busy ones, so that the garbage their talk leaves is not counted as the idle ones'.
                before = server.footprintAfterGc();
                connectAll(idle);
                pump(System.nanoTime() + settings.warmup().toNanos());
            }
            loaded = server.footprintAfterGc();
            for (int w = 0; w < settings.windows(); w++) {
                windows.add(measureWindow());
            }
            drain();
            String inconsistency = exchange.finish();
            if (inconsistency != null) {
                error(inconsistency);
            }
        } finally {
            closeAll();
            exchange.close();
        }
        int connected = (int) (busy.stream().filter(c -> c.everConnected).count()
                + idle.stream().filter(c -> c.everConnected).count());
        return new DriverReport(
                workload.name(),
                workload.connections(),
                connected,
                errors,
                List.copyOf(errorSamples),
                errors == 0 ? exchange.verdict() : null,
                before,
                loaded,
                server.peakRssKb(),
                peakThreads,
                windows);
    }

    private DriverReport.Window measureWindow() {
        latency.reset();
        busy.forEach(c -> c.receivedInWindow = 0);
        long messagesBefore = busy.stream().mapToLong(c -> c.received).sum();
        long syncsBefore = exchange.serverSyncs(); // outside the timed window: a blocking request on the side
        double cpuBefore = server.cpuSeconds();
        long start = System.nanoTime();
        pump(start + settings.window().toNanos());
        long end = System.nanoTime();
        double cpu = server.cpuSeconds() - cpuBefore;
        long syncsAfter = exchange.serverSyncs();
        long messages = busy.stream().mapToLong(c -> c.received).sum() - messagesBefore;
        long[] perClient = busy.stream().mapToLong(c -> c.receivedInWindow).toArray();
        return new DriverReport.Window(
                messages,
                (end - start) / 1e9,
                cpu,
                Statistics.percentileMicros(latency, 50),
                Statistics.percentileMicros(latency, 99),
                Statistics.percentileMicros(latency, 99.9),
                Statistics.jainIndex(perClient),
                Statistics.slowestShare(perClient),
                syncsBefore >= 0 && syncsAfter >= 0 ? syncsAfter - syncsBefore : -1);
    }

    /** Phase 1: connects {@code clients}; a full backlog (EAGAIN) means the server is busy, so retry. */
    private void connectAll(List<Client> clients) throws IOException {
        long deadline = System.nanoTime() + settings.connectTimeout().toNanos();
        ArrayDeque<Client> toConnect = new ArrayDeque<>(clients);
        while (!toConnect.isEmpty() && System.nanoTime() < deadline) {
            int before = toConnect.size();
            for (int n = toConnect.size(); n > 0; n--) {
                Client c = toConnect.poll();
                if (!connect(c)) {
                    toConnect.add(c);
                }
            }
            if (toConnect.size() == before) {
                selector.select(1); // let the server accept; replies cannot come yet
                selector.selectedKeys().clear();
            }
            sampleThreads();
        }
        for (Client c : toConnect) {
            fail(c, "could not connect within " + settings.connectTimeout() + " (the server stayed busy)");
        }
    }

    /** True when {@code c} is connected or has failed for good; false when the backlog is full. */
    private boolean connect(Client c) throws IOException {
        SocketChannel ch;
        try {
            ch = UnixClients.tryConnect(address);
        } catch (IOException e) {
            fail(c, "connect: " + e);
            return true;
        }
        if (ch == null) {
            return false; // the backlog is full: ERROR_PIPE_BUSY
        }
        c.channel = ch;
        c.everConnected = true;
        c.decoder = FrameDecoder.forClient(Math.max(1024, workload.payloadBytes()));
        c.key = ch.register(selector, SelectionKey.OP_READ, c);
        return true;
    }

    /**
     * Broadcast: a move reaches only the players the server has registered, and a connection the
     * kernel has accepted may not be registered yet. So player 0 sends empty frames (probes) until
     * every other player has received one; meanwhile nobody moves.
     */
    private void awaitPlayersJoined() {
        Client host = busy.get(0);
        long deadline = System.nanoTime() + settings.connectTimeout().toNanos();
        sending = false;
        while (!host.failed
                && busy.stream().anyMatch(c -> c != host && !c.failed && !c.joined)
                && System.nanoTime() < deadline) {
            if (host.pending == null) {
                host.pending = ByteBuffer.allocate(4); // length 0: an empty frame
                send(host);
            }
            pump(Math.min(deadline, System.nanoTime() + PROBE_INTERVAL_NANOS));
        }
        sending = true;
        for (Client c : busy) {
            if (c != host && !c.joined) {
                fail(c, "not registered as a player by the server within " + settings.connectTimeout());
            }
        }
    }

    /** Runs the conversation until {@code deadline}: reads, checks, sends the next requests. */
    private void pump(long deadline) {
        long now;
        while ((now = System.nanoTime()) < deadline && !everyoneAnswered()) {
            try {
                retryReconnects();
                long waitMillis = reconnects.isEmpty() ? Math.max(1, Math.min(10, (deadline - now) / 1_000_000)) : 1;
                selector.select(waitMillis);
            } catch (IOException e) {
                error("selector: " + e);
                return;
            }
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                Client c = (Client) key.attachment();
                if (c.failed || !key.isValid()) {
                    continue;
                }
                if (key.isReadable()) {
                    read(c);
                }
                if (!c.failed && key.isValid() && key.isWritable()) {
                    send(c);
                }
            }
            sampleThreads();
        }
    }

    /** True when there is a request limit and every busy client has its replies, or has failed. */
    private boolean everyoneAnswered() {
        return settings.requestsPerClient() > 0 && settled == busy.size();
    }

    /** Phase 4: stop sending, and collect every reply still owed. */
    private void drain() {
        sending = false;
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (busy.stream().anyMatch(c -> c.inFlight() > 0) && System.nanoTime() < deadline) {
            pump(Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50)));
        }
        for (Client c : busy) {
            if (c.inFlight() > 0) {
                fail(
                        c,
                        c.inFlight() + (broadcast != null ? " of its moves still undelivered " : " replies still owed ")
                                + DRAIN_TIMEOUT.toSeconds() + " s after the last request");
            }
        }
    }

    private void read(Client c) {
        try {
            while (true) {
                readBuffer.clear();
                int n = c.channel.read(readBuffer);
                if (n < 0) {
                    if (sending || c.inFlight() > 0) {
                        fail(c, "the server closed the connection after " + c.received + " replies");
                    } else {
                        close(c);
                    }
                    return;
                }
                if (n == 0) {
                    break;
                }
                readBuffer.flip();
                byte[] reply;
                while ((reply = c.decoder.decode(readBuffer)) != null) {
                    if (!accept(c, reply)) {
                        return;
                    }
                }
            }
            send(c);
        } catch (PipeErrorException e) {
            fail(c, "error frame: " + e.getMessage());
        } catch (IOException e) {
            fail(c, "read: " + e);
        }
    }

    /** Checks one reply; false when the client is done with this connection (failed, or churned). */
    private boolean accept(Client c, byte[] reply) {
        if (broadcast != null) {
            return acceptMove(c, reply);
        }
        if (!c.busy || c.inFlight() == 0) {
            fail(c, "a reply nobody asked for (" + reply.length + " bytes)");
            return false;
        }
        long seq = c.received;
        String wrong = exchange.check(c.id, seq, reply);
        if (wrong != null) {
            fail(c, wrong);
            return false;
        }
        recordLatency(System.nanoTime() - c.sentAt[(int) (seq % c.sentAt.length)]);
        c.received++;
        c.receivedInWindow++;
        if (c.received == settings.requestsPerClient()) {
            settled++; // the last reply it asked for
        }
        if (workload.kind() == Workload.Kind.CHURN) {
            churn(c);
            return false;
        }
        return true;
    }

    /** Broadcast: checks a move {@code c} received, times its fan-out, and lets its sender move again if it may. */
    private boolean acceptMove(Client c, byte[] move) {
        if (move.length == 0) {
            c.joined = true; // a probe of player 0
            if (c.id == 0) {
                fail(c, "received its own probe");
            }
            return !c.failed;
        }
        String wrong = exchange.check(c.id, c.received, move);
        if (wrong != null) {
            fail(c, wrong);
            return false;
        }
        recordLatency(System.nanoTime() - Exchange.Broadcast.sentNanos(move));
        c.received++;
        c.receivedInWindow++;
        Client sender = busy.get(Exchange.Broadcast.sender(move));
        if (!sender.failed && sender.channel != null && sender.pending == null) {
            send(sender);
        }
        return !c.failed; // sending may have failed a player, and with it woken (and failed) this one
    }

    private void recordLatency(long nanos) {
        latency.recordValue(Math.max(0, Math.min(latency.getHighestTrackableValue(), nanos)));
    }

    /** Churn: the exchange is done, so hang up and call again. */
    private void churn(Client c) {
        close(c);
        if (sending) {
            reconnects.add(c);
        }
    }

    private void retryReconnects() throws IOException {
        for (int n = reconnects.size(); n > 0; n--) {
            Client c = reconnects.poll();
            long started = System.nanoTime();
            if (connect(c)) {
                if (!c.failed) {
                    send(c);
                    c.sentAt[0] = started; // churn latency: from the call to the verified reply
                }
            } else {
                reconnects.add(c);
            }
        }
    }

    /** Writes what is pending, then new requests while the workload allows more in flight. */
    private void send(Client c) {
        try {
            if (c.pending != null) {
                c.channel.write(c.pending);
                if (c.pending.hasRemaining()) {
                    c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    return;
                }
                c.pending = null;
            }
            writeBuffer.clear();
            while (sending
                    && c.inFlight() < workload.depth()
                    && !c.sentAll()
                    && (workload.kind() != Workload.Kind.CHURN || c.sent == c.received)) {
                long seq = c.sent++;
                exchange.writeRequest(c.id, seq, writeBuffer);
                c.sentAt[(int) (seq % c.sentAt.length)] = System.nanoTime();
            }
            writeBuffer.flip();
            if (writeBuffer.hasRemaining()) {
                c.channel.write(writeBuffer);
                if (writeBuffer.hasRemaining()) {
                    c.pending = ByteBuffer.allocate(writeBuffer.remaining())
                            .put(writeBuffer)
                            .flip();
                }
            }
            c.key.interestOps(SelectionKey.OP_READ | (c.pending != null ? SelectionKey.OP_WRITE : 0));
        } catch (IOException e) {
            fail(c, "write: " + e);
        }
    }

    private void sampleThreads() {
        long now = System.nanoTime();
        if (now >= nextThreadSample) {
            peakThreads = Math.max(peakThreads, server.threads());
            nextThreadSample = now + THREAD_SAMPLE_NANOS;
        }
    }

    private void fail(Client c, String why) {
        if (c.failed) {
            return;
        }
        c.failed = true;
        if (c.busy && !c.answered()) {
            settled++;
        }
        error("client " + c.id + ": " + why);
        close(c);
        if (broadcast != null) {
            broadcast.leave(c.id);
            // moves that waited only for this player are delivered now: their senders may move again
            busy.stream()
                    .filter(p -> p.channel != null && !p.failed && p.pending == null)
                    .forEach(this::send);
        }
    }

    private void error(String what) {
        errors++;
        if (errorSamples.size() < MAX_ERROR_SAMPLES) {
            errorSamples.add(what);
        }
    }

    private void close(Client c) {
        if (c.channel != null) {
            try {
                c.channel.close();
            } catch (IOException e) {
                // closing our own end: nothing more to learn
            }
            c.channel = null;
            c.pending = null;
        }
    }

    private void closeAll() {
        busy.forEach(this::close);
        idle.forEach(this::close);
    }

    /**
     * {@code WorkloadDriver --socket PATH --workload NAME --server-pid PID [--warmup-ms N]
     * [--window-ms N] [--windows N] [--connect-timeout-s N] [--requests-per-client N]}: prints
     * one {@code RESULT {json}} line; exits 0 when every reply was right, 1 otherwise.
     */
    public static void main(String[] args) throws IOException {
        Path socket = null;
        Workload workload = null;
        long pid = -1;
        long warmupMs = 2500;
        long windowMs = 1500;
        int windows = 3;
        long connectTimeoutS = 120;
        long requestsPerClient = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--socket" -> socket = Path.of(v);
                case "--workload" -> workload = Workload.parse(v);
                case "--server-pid" -> pid = Long.parseLong(v);
                case "--warmup-ms" -> warmupMs = Long.parseLong(v);
                case "--window-ms" -> windowMs = Long.parseLong(v);
                case "--windows" -> windows = Integer.parseInt(v);
                case "--connect-timeout-s" -> connectTimeoutS = Long.parseLong(v);
                case "--requests-per-client" -> requestsPerClient = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (socket == null || workload == null || pid < 0) {
            throw new IllegalArgumentException("--socket, --workload and --server-pid are required");
        }
        DriverReport report = new WorkloadDriver(new Settings(
                        socket,
                        workload,
                        pid,
                        Duration.ofMillis(warmupMs),
                        Duration.ofMillis(windowMs),
                        windows,
                        Duration.ofSeconds(connectTimeoutS),
                        requestsPerClient))
                .run();
        System.out.println(RESULT_PREFIX + new ObjectMapper().writeValueAsString(report));
        System.out.flush();
        System.exit(report.errors() == 0 ? 0 : 1);
    }
}
