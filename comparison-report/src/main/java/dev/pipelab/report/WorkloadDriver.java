package dev.pipelab.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipelab.api.PipeAddress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.HdrHistogram.Histogram;

/**
 * The load of one run: many clients of one server, in a process of its own beside the server's,
 * which it measures from outside ({@link ProcessMeter}). The conversation is written once, here;
 * how the clients reach the server is a {@link ClientTransport}: one thread and one Selector
 * (the default where pipes are AF_UNIX sockets), or a virtual thread per client over the OS
 * seam's client end (the default elsewhere, that is on Windows).
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
 *
 * <p>Threading: the bookkeeping (the clients' counts, the exchange, the histogram) is guarded by
 * one lock, taken by each method a transport calls. Under the selector only its one thread takes
 * it, uncontended; under the threads driver every client thread does, one check at a time.
 */
public final class WorkloadDriver {

    /** Where {@link #main} prints its result, before the JSON. */
    public static final String RESULT_PREFIX = "RESULT ";

    private static final int MAX_ERROR_SAMPLES = 10;
    private static final long THREAD_SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);
    private static final long PROBE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /**
     * How to run.
     *
     * @param address the server's endpoint
     * @param workload what the clients do
     * @param serverPid the server's process id, to measure it
     * @param warmup talking before the first window
     * @param window length of each measured window
     * @param windows how many windows
     * @param connectTimeout how long all clients may take to connect
     * @param requestsPerClient requests each busy client sends before it stops; 0 for no limit,
     *     so that the windows alone end the run. With a limit, a window also ends once every busy
     *     client has its replies: a load test of exactly so many exchanges per client.
     * @param driver how the clients reach the server
     */
    public record Settings(
            PipeAddress address,
            Workload workload,
            long serverPid,
            Duration warmup,
            Duration window,
            int windows,
            Duration connectTimeout,
            long requestsPerClient,
            LoadDriver driver) {}

    /** What a transport does with a connection after a reply was checked. */
    enum Next {
        /** Send what may be sent now and read on. */
        GO_ON,
        /** Churn: the exchange is done; hang up and, while {@link #sending()}, call again. */
        HANG_UP,
        /** The client has failed; its connection is closed or being closed. */
        STOP
    }

    /** One client's place in the conversation; its connection is the transport's. Guarded by the driver's lock. */
    final class Client {
        final int id;
        final boolean busy;
        private final long[] sentAt;
        private long sent;
        private long received;
        private long receivedInWindow;
        private boolean failed;
        private boolean everConnected;
        private boolean joined; // broadcast: the server has delivered a frame to it, so it is registered as a player
        private boolean probe; // broadcast: player 0 is to send an empty frame
        private long calledAt = -1; // churn: when the connect of this exchange began

        Client(int id, boolean busy) {
            this.id = id;
            this.busy = busy;
            this.sentAt = new long[workload.depth()];
        }

        private boolean sentAll() {
            return settings.requestsPerClient() > 0 && sent >= settings.requestsPerClient();
        }

        private boolean answered() {
            return settings.requestsPerClient() > 0 && received >= settings.requestsPerClient();
        }

        private long inFlight() {
            if (failed) {
                return 0;
            }
            return broadcast != null ? broadcast.undelivered(id) : sent - received;
        }

        /** True once this client has failed for good. */
        boolean failed() {
            books.lock();
            try {
                return failed;
            } finally {
                books.unlock();
            }
        }

        @Override
        public String toString() {
            return "client " + id;
        }
    }

    private final Settings settings;
    private final Workload workload;
    private final Exchange exchange;
    private final Exchange.Broadcast broadcast; // null unless the workload is broadcast
    private final ProcessMeter server;
    private final ReentrantLock books = new ReentrantLock();
    private final Condition settledChanged = books.newCondition();
    private final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private final List<Client> busy = new ArrayList<>();
    private final List<Client> idle = new ArrayList<>();
    private final List<String> errorSamples = new ArrayList<>();
    private ClientTransport transport;
    private volatile boolean sending = true;
    private long errors;
    private int settled; // busy clients with every reply they asked for, or failed: only with a request limit
    private long peakThreads = -1;
    private long nextThreadSample;

    /** A driver for one run. */
    public WorkloadDriver(Settings settings) {
        this.settings = settings;
        this.workload = settings.workload();
        this.exchange = Exchange.of(workload, settings.address());
        this.broadcast = exchange instanceof Exchange.Broadcast b ? b : null;
        this.server = ProcessMeter.of(settings.serverPid());
    }

    /** Runs the whole load; never throws for a server's fault, which shows as errors instead. */
    public DriverReport run() throws IOException {
        ProcessMeter.Footprint before = server.footprintAfterGc();
        List<DriverReport.Window> windows = new ArrayList<>();
        ProcessMeter.Footprint loaded = before;
        try (ClientTransport t = settings.driver() == LoadDriver.SELECTOR
                ? new SelectorTransport(this, settings.address())
                : new ThreadsTransport(this, settings.address())) {
            transport = t;
            for (int i = 0; i < workload.clients(); i++) {
                busy.add(new Client(i, true));
            }
            for (int i = 0; i < workload.idleClients(); i++) {
                idle.add(new Client(workload.clients() + i, false));
            }
            t.connect(busy, connectDeadline());
            if (broadcast != null) {
                awaitPlayersJoined();
            }
            try {
                exchange.prepare();
            } catch (IOException e) {
                problem("preparing the workload: " + e.getMessage());
            }
            busy.forEach(t::send);
            pump(System.nanoTime() + settings.warmup().toNanos());
            if (!idle.isEmpty()) {
                // What an idle client costs is measured against a server already warm with the
                // busy ones, so that the garbage their talk leaves is not counted as the idle ones'.
                before = server.footprintAfterGc();
                t.connect(idle, connectDeadline());
                pump(System.nanoTime() + settings.warmup().toNanos());
            }
            loaded = server.footprintAfterGc();
            for (int w = 0; w < settings.windows(); w++) {
                windows.add(measureWindow());
            }
            drain();
            t.checkIdle(idle);
            String inconsistency = lockedGet(exchange::finish);
            if (inconsistency != null) {
                problem(inconsistency);
            }
        } finally {
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

    private long connectDeadline() {
        return System.nanoTime() + settings.connectTimeout().toNanos();
    }

    private DriverReport.Window measureWindow() {
        long messagesBefore = lockedGet(() -> {
            latency.reset();
            busy.forEach(c -> c.receivedInWindow = 0);
            return busy.stream().mapToLong(c -> c.received).sum();
        });
        long syncsBefore = exchange.serverSyncs(); // outside the timed window: a blocking request on the side
        double cpuBefore = server.cpuSeconds();
        long start = System.nanoTime();
        pump(start + settings.window().toNanos());
        long end = System.nanoTime();
        double cpu = server.cpuSeconds() - cpuBefore;
        Tally tally = lockedGet(() -> {
            long[] perClient = busy.stream().mapToLong(c -> c.receivedInWindow).toArray();
            return new Tally(
                    busy.stream().mapToLong(c -> c.received).sum() - messagesBefore,
                    perClient,
                    Statistics.percentileMicros(latency, 50),
                    Statistics.percentileMicros(latency, 99),
                    Statistics.percentileMicros(latency, 99.9));
        });
        long syncsAfter = exchange.serverSyncs();
        return new DriverReport.Window(
                tally.messages(),
                (end - start) / 1e9,
                cpu,
                tally.p50(),
                tally.p99(),
                tally.p999(),
                Statistics.jainIndex(tally.perClient()),
                Statistics.slowestShare(tally.perClient()),
                syncsBefore >= 0 && syncsAfter >= 0 ? syncsAfter - syncsBefore : -1);
    }

    /** What the clients' books say at the end of a window. */
    private record Tally(long messages, long[] perClient, double p50, double p99, double p999) {}

    /**
     * Broadcast: a move reaches only the players the server has registered, and a connection the
     * kernel has accepted may not be registered yet. So player 0 sends empty frames (probes) until
     * every other player has received one; meanwhile nobody moves.
     */
    private void awaitPlayersJoined() {
        Client host = busy.get(0);
        long deadline = connectDeadline();
        sending = false;
        while (lockedGet(() -> !host.failed && busy.stream().anyMatch(c -> c != host && !c.failed && !c.joined))
                && System.nanoTime() < deadline) {
            locked(() -> host.probe = true);
            transport.send(host);
            pump(Math.min(deadline, System.nanoTime() + PROBE_INTERVAL_NANOS));
        }
        sending = true;
        locked(() -> {
            host.probe = false;
            for (Client c : busy) {
                if (c != host && !c.joined) {
                    fail(c, "not registered as a player by the server within " + settings.connectTimeout());
                }
            }
        });
    }

    private void pump(long deadline) {
        transport.pump(deadline);
    }

    /** True when there is a request limit and every busy client has its replies, or has failed. */
    boolean everyoneAnswered() {
        return lockedGet(() -> settings.requestsPerClient() > 0 && settled == busy.size());
    }

    /**
     * For a transport whose clients talk on threads of their own: waits up to {@code nanos}, or
     * until {@link #everyoneAnswered()}.
     */
    void awaitSettled(long nanos) throws InterruptedException {
        books.lock();
        try {
            if (!(settings.requestsPerClient() > 0 && settled == busy.size())) {
                settledChanged.awaitNanos(nanos);
            }
        } finally {
            books.unlock();
        }
    }

    /** Phase 4: stop sending, and collect every reply still owed. */
    private void drain() {
        sending = false;
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (lockedGet(() -> busy.stream().anyMatch(c -> c.inFlight() > 0)) && System.nanoTime() < deadline) {
            pump(Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50)));
        }
        locked(() -> {
            for (Client c : busy) {
                if (c.inFlight() > 0) {
                    fail(
                            c,
                            c.inFlight()
                                    + (broadcast != null ? " of its moves still undelivered " : " replies still owed ")
                                    + DRAIN_TIMEOUT.toSeconds() + " s after the last request");
                }
            }
        });
    }

    /** True while clients may send new requests. */
    boolean sending() {
        return sending;
    }

    /** Bytes of the longest frame a client may receive. */
    int maxReplyBytes() {
        return Math.max(1024, workload.payloadBytes());
    }

    /** Bytes of the most a client sends at once: a frame per request it may have in flight. */
    int maxRequestBytes() {
        return Math.max(4, exchange.requestFrameBytes() * workload.depth());
    }

    /** Connections the workload holds at once; client ids run from 0 below it. */
    int connections() {
        return workload.connections();
    }

    /** Counts a failure of the driver itself, not of one client. */
    void problem(String what) {
        locked(() -> error(what));
    }

    /** {@code c}'s connection is up. */
    void connected(Client c) {
        locked(() -> c.everConnected = true);
    }

    /** Churn: {@code c} begins to call again at {@code nanos}, which its exchange's latency counts from. */
    void calling(Client c, long nanos) {
        locked(() -> c.calledAt = nanos);
    }

    /**
     * Appends to {@code out} the requests {@code c} may send now (a probe, for broadcast's host),
     * while the workload allows more in flight; {@code out} holds {@link #maxRequestBytes()}.
     */
    void nextRequests(Client c, ByteBuffer out) {
        books.lock();
        try {
            if (c.failed) {
                return;
            }
            if (c.probe) {
                c.probe = false;
                out.putInt(0); // length 0: an empty frame
                return;
            }
            while (sending
                    && c.inFlight() < workload.depth()
                    && !c.sentAll()
                    && (workload.kind() != Workload.Kind.CHURN || c.sent == c.received)) {
                long seq = c.sent++;
                exchange.writeRequest(c.id, seq, out);
                c.sentAt[(int) (seq % c.sentAt.length)] = c.calledAt >= 0 ? c.calledAt : System.nanoTime();
                c.calledAt = -1;
            }
        } finally {
            books.unlock();
        }
    }

    /** Checks one reply (one delivered move, for broadcast) that {@code c} received. */
    Next accept(Client c, byte[] reply) {
        books.lock();
        try {
            if (c.failed) {
                return Next.STOP;
            }
            if (broadcast != null) {
                return acceptMove(c, reply);
            }
            if (!c.busy || c.inFlight() == 0) {
                fail(c, "a reply nobody asked for (" + reply.length + " bytes)");
                return Next.STOP;
            }
            long seq = c.received;
            String wrong = exchange.check(c.id, seq, reply);
            if (wrong != null) {
                fail(c, wrong);
                return Next.STOP;
            }
            recordLatency(System.nanoTime() - c.sentAt[(int) (seq % c.sentAt.length)]);
            c.received++;
            c.receivedInWindow++;
            if (c.received == settings.requestsPerClient()) {
                settled(); // the last reply it asked for
            }
            return workload.kind() == Workload.Kind.CHURN ? Next.HANG_UP : Next.GO_ON;
        } finally {
            books.unlock();
        }
    }

    /** Broadcast: checks a move {@code c} received, times its fan-out, and lets its sender move again if it may. */
    private Next acceptMove(Client c, byte[] move) {
        if (move.length == 0) {
            c.joined = true; // a probe of player 0
            if (c.id == 0) {
                fail(c, "received its own probe");
            }
            return c.failed ? Next.STOP : Next.GO_ON;
        }
        String wrong = exchange.check(c.id, c.received, move);
        if (wrong != null) {
            fail(c, wrong);
            return Next.STOP;
        }
        recordLatency(System.nanoTime() - Exchange.Broadcast.sentNanos(move));
        c.received++;
        c.receivedInWindow++;
        Client sender = busy.get(Exchange.Broadcast.sender(move));
        if (!sender.failed) {
            transport.send(sender);
        }
        return c.failed
                ? Next.STOP
                : Next.GO_ON; // sending may have failed a player, and with it woken (and failed) this one
    }

    /** The server ended {@code c}'s stream: an error while it owes replies, else the end of the run. */
    void endOfStream(Client c) {
        locked(() -> {
            if (sending || c.inFlight() > 0) {
                fail(c, "the server closed the connection after " + c.received + " replies");
            } else {
                transport.close(c);
            }
        });
    }

    private void recordLatency(long nanos) {
        latency.recordValue(Math.max(0, Math.min(latency.getHighestTrackableValue(), nanos)));
    }

    /** Samples the server's thread count, at most every 100 ms. */
    void sampleThreads() {
        long now = System.nanoTime();
        if (now >= nextThreadSample) {
            long threads = server.threads();
            locked(() -> peakThreads = Math.max(peakThreads, threads));
            nextThreadSample = now + THREAD_SAMPLE_NANOS;
        }
    }

    /** {@code c} has failed for good because {@code why}: counted once, its connection closed. */
    void fail(Client c, String why) {
        books.lock();
        try {
            if (c.failed) {
                return;
            }
            c.failed = true;
            if (c.busy && !c.answered()) {
                settled();
            }
            error(c + ": " + why);
            transport.close(c);
            if (broadcast != null) {
                broadcast.leave(c.id);
                // moves that waited only for this player are delivered now: their senders may move again
                busy.stream().filter(p -> !p.failed).forEach(transport::send);
            }
        } finally {
            books.unlock();
        }
    }

    private void settled() {
        settled++;
        settledChanged.signalAll();
    }

    private void error(String what) {
        errors++;
        if (errorSamples.size() < MAX_ERROR_SAMPLES) {
            errorSamples.add(what);
        }
    }

    /** True when the calling thread holds the driver's lock, so that a transport defers its I/O. */
    boolean holdsBooks() {
        return books.isHeldByCurrentThread();
    }

    private void locked(Runnable action) {
        books.lock();
        try {
            action.run();
        } finally {
            books.unlock();
        }
    }

    private <T> T lockedGet(java.util.function.Supplier<T> action) {
        books.lock();
        try {
            return action.get();
        } finally {
            books.unlock();
        }
    }

    /**
     * {@code WorkloadDriver --pipe SPEC --workload NAME --server-pid PID [--driver selector|threads]
     * [--warmup-ms N] [--window-ms N] [--windows N] [--connect-timeout-s N]
     * [--requests-per-client N]}: prints one {@code RESULT {json}} line; exits 0 when every reply
     * was right, 1 otherwise. The driver defaults to the one for this system's pipes.
     */
    public static void main(String[] args) throws IOException {
        PipeAddress address = null;
        Workload workload = null;
        LoadDriver driver = null;
        long pid = -1;
        long warmupMs = 2500;
        long windowMs = 1500;
        int windows = 3;
        long connectTimeoutS = 120;
        long requestsPerClient = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--pipe" -> address = PipeAddress.resolve(v);
                case "--workload" -> workload = Workload.parse(v);
                case "--driver" -> driver = LoadDriver.parse(v);
                case "--server-pid" -> pid = Long.parseLong(v);
                case "--warmup-ms" -> warmupMs = Long.parseLong(v);
                case "--window-ms" -> windowMs = Long.parseLong(v);
                case "--windows" -> windows = Integer.parseInt(v);
                case "--connect-timeout-s" -> connectTimeoutS = Long.parseLong(v);
                case "--requests-per-client" -> requestsPerClient = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (address == null || workload == null || pid < 0) {
            throw new IllegalArgumentException("--pipe, --workload and --server-pid are required");
        }
        DriverReport report = new WorkloadDriver(new Settings(
                        address,
                        workload,
                        pid,
                        Duration.ofMillis(warmupMs),
                        Duration.ofMillis(windowMs),
                        windows,
                        Duration.ofSeconds(connectTimeoutS),
                        requestsPerClient,
                        driver != null ? driver : LoadDriver.defaultFor(address.kind())))
                .run();
        System.out.println(RESULT_PREFIX + new ObjectMapper().writeValueAsString(report));
        System.out.flush();
        System.exit(report.errors() == 0 ? 0 : 1);
    }
}
