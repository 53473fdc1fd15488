package dev.pipelab.report;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeClient;
import dev.pipelab.api.handler.AnswerHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What a client of one workload sends and what it must get back. The driver asks for request
 * {@code seq} of client {@code client} and checks each reply against it; a check that fails
 * names what was wrong, and the run counts it as an error.
 */
interface Exchange extends AutoCloseable {

    /** Appends the whole frame (length word and payload) of request {@code seq} of {@code client} to {@code out}. */
    void writeRequest(int client, long seq, ByteBuffer out);

    /** Bytes one request frame takes. */
    int requestFrameBytes();

    /** Null when {@code reply} is the right answer to request {@code seq} of {@code client}, else what is wrong. */
    String check(int client, long seq, byte[] reply);

    /** Before the first request, every busy client connected: sets up what the requests need. */
    default void prepare() throws IOException {}

    /** Durable commits the server has made so far (one sync each), or -1 when the workload has none to count. */
    default long serverSyncs() {
        return -1;
    }

    /** Releases what {@link #prepare} opened. */
    @Override
    default void close() {}

    /** After the run: null when the whole run is consistent, else what is wrong. */
    default String finish() {
        return null;
    }

    /** What the end-of-run check established, for the report; null when there is nothing to say. */
    default String verdict() {
        return null;
    }

    /** The exchange a workload's clients make with the server at {@code address}. */
    static Exchange of(Workload workload, PipeAddress address) {
        return switch (workload.kind()) {
            case ECHO, CHURN, IDLE -> new Echo(workload.payloadBytes());
            case ANSWER -> new Answer(workload.payloadBytes());
            case COUNTER -> new Counter();
            case LEDGER, LEDGER_PER_REQUEST -> new Ledger(workload.clients(), address);
            case BROADCAST -> new Broadcast(workload.clients(), workload.payloadBytes());
        };
    }

    /** Echo: the reply is the request, byte for byte; each request carries its client, sequence and a pattern. */
    final class Echo implements Exchange {
        private final int payloadBytes;

        Echo(int payloadBytes) {
            this.payloadBytes = payloadBytes;
        }

        @Override
        public void writeRequest(int client, long seq, ByteBuffer out) {
            out.putInt(payloadBytes).putInt(client).putInt((int) seq);
            for (int i = 8; i < payloadBytes; i++) {
                out.put(pattern(client, seq, i));
            }
        }

        @Override
        public int requestFrameBytes() {
            return 4 + payloadBytes;
        }

        @Override
        public String check(int client, long seq, byte[] reply) {
            if (reply.length != payloadBytes) {
                return "reply " + seq + " has " + reply.length + " bytes, sent " + payloadBytes;
            }
            ByteBuffer r = ByteBuffer.wrap(reply);
            if (r.getInt(0) != client || r.getInt(4) != (int) seq) {
                return "reply " + seq + " carries client " + r.getInt(0) + " request " + r.getInt(4);
            }
            for (int i = 8; i < payloadBytes; i++) {
                if (reply[i] != pattern(client, seq, i)) {
                    return "reply " + seq + " differs from the request at byte " + i;
                }
            }
            return null;
        }

        private static byte pattern(int client, long seq, int i) {
            return (byte) (client * 31L + seq * 7 + i);
        }
    }

    /** The SDK sample's exchange: whatever the request, the fixed answer. */
    final class Answer implements Exchange {
        private static final byte[] ANSWER = AnswerHandler.ANSWER.getBytes(StandardCharsets.UTF_8);
        private final int payloadBytes;

        Answer(int payloadBytes) {
            this.payloadBytes = payloadBytes;
        }

        @Override
        public void writeRequest(int client, long seq, ByteBuffer out) {
            out.putInt(payloadBytes);
            for (int i = 0; i < payloadBytes; i++) {
                out.put((byte) ('a' + (client + seq + i) % 26));
            }
        }

        @Override
        public int requestFrameBytes() {
            return 4 + payloadBytes;
        }

        @Override
        public String check(int client, long seq, byte[] reply) {
            return java.util.Arrays.equals(reply, ANSWER)
                    ? null
                    : "reply " + seq + " is '" + new String(reply, StandardCharsets.UTF_8)
                            + "', not the sample's answer";
        }
    }

    /**
     * The shared counter: every request adds 1, every reply is the new total. With a fresh
     * counter, no lost update means the totals acknowledged are exactly 1..n, each once.
     */
    final class Counter implements Exchange {
        private static final byte[] ONE = "1".getBytes(StandardCharsets.US_ASCII);
        private final BitSet seen = new BitSet();
        private long acknowledged;
        private long highest;

        @Override
        public void writeRequest(int client, long seq, ByteBuffer out) {
            out.putInt(ONE.length).put(ONE);
        }

        @Override
        public int requestFrameBytes() {
            return 4 + ONE.length;
        }

        @Override
        public String check(int client, long seq, byte[] reply) {
            long total;
            try {
                total = Long.parseLong(new String(reply, StandardCharsets.US_ASCII).strip());
            } catch (NumberFormatException e) {
                return "reply " + seq + " is not a number";
            }
            if (total < 1 || total > Integer.MAX_VALUE) {
                return "total " + total + " out of range";
            }
            if (seen.get((int) total)) {
                return "total " + total + " acknowledged twice: an update was lost";
            }
            seen.set((int) total);
            acknowledged++;
            highest = Math.max(highest, total);
            return null;
        }

        @Override
        public String finish() {
            return highest == acknowledged
                    ? null
                    : acknowledged + " updates acknowledged but the total reached " + highest;
        }

        @Override
        public String verdict() {
            return acknowledged + " increments acknowledged, totals 1.." + highest + " each seen once: no update lost";
        }
    }

    /**
     * Broadcast: each request is a move that the server delivers to every other player, and no
     * reply comes back. A move carries its sender, its sequence number, its send time (this
     * process's {@link System#nanoTime}, for the fan-out latency) and the echo pattern; each
     * delivery is checked byte for byte and then by {@link BroadcastOrder}. "Check" here is of a
     * delivery to {@code client}, not of a reply.
     */
    final class Broadcast implements Exchange {
        /** Bytes of a move's header: sender, sequence number, send time. */
        static final int HEADER_BYTES = 20;

        private final int payloadBytes;
        private final BroadcastOrder order;

        Broadcast(int players, int payloadBytes) {
            this.payloadBytes = payloadBytes;
            this.order = new BroadcastOrder(players);
        }

        @Override
        public void writeRequest(int client, long seq, ByteBuffer out) {
            out.putInt(payloadBytes).putInt(client).putLong(seq).putLong(System.nanoTime());
            for (int i = HEADER_BYTES; i < payloadBytes; i++) {
                out.put(Echo.pattern(client, seq, i));
            }
            order.sent(client, seq);
        }

        @Override
        public int requestFrameBytes() {
            return 4 + payloadBytes;
        }

        @Override
        public String check(int client, long delivery, byte[] move) {
            if (move.length != payloadBytes) {
                return "delivery " + delivery + " has " + move.length + " bytes, moves have " + payloadBytes;
            }
            int sender = sender(move);
            long seq = ByteBuffer.wrap(move).getLong(4);
            for (int i = HEADER_BYTES; i < payloadBytes; i++) {
                if (move[i] != Echo.pattern(sender, seq, i)) {
                    return "move " + seq + " of player " + sender + " differs from what was sent at byte " + i;
                }
            }
            return order.delivered(client, sender, seq);
        }

        @Override
        public String finish() {
            return order.missing();
        }

        @Override
        public String verdict() {
            return order.moves() + " moves, " + order.deliveries() + " deliveries: every player received every other"
                    + " player's moves exactly once and in sending order, never its own, and all players saw them in"
                    + " one total order";
        }

        /** The player that sent {@code move}. */
        static int sender(byte[] move) {
            return ByteBuffer.wrap(move).getInt(0);
        }

        /** When {@code move} was sent, in this process's {@link System#nanoTime}. */
        static long sentNanos(byte[] move) {
            return ByteBuffer.wrap(move).getLong(12);
        }

        /** Moves of {@code player} that some player in the game has not received yet. */
        long undelivered(int player) {
            return order.undelivered(player);
        }

        /** Drops {@code player} from the game after an error: it is neither checked nor waited for any more. */
        void leave(int player) {
            order.leave(player);
        }
    }

    /**
     * The ledger: before the run one account per client is opened with {@link #OPENED}; then
     * every request is a transfer of 1 to 100 between two random accounts, and every reply must be
     * {@code ok ID}, each ID new and each client's increasing. After the run the exchange asks the
     * server for every acknowledged transfer ({@code show ID} must give back its exact fields),
     * the total (conserved: the sum of the opened amounts) and the count (at least the number
     * acknowledged). A side connection asks for the server's sync count around each window.
     */
    final class Ledger implements Exchange {
        /** What each account is opened with: enough that no transfer of a run is refused. */
        static final long OPENED = 1_000_000_000_000L;

        private static final int PIPELINE = 256;
        private static final Duration TIMEOUT = Duration.ofSeconds(30);

        private final int accounts;
        private final PipeAddress address;
        private final SplittableRandom random = new SplittableRandom(11);
        private final Map<Integer, ArrayDeque<String>> unanswered = new HashMap<>();
        private final Map<Integer, Long> lastId = new HashMap<>();
        private final Map<Long, String> acknowledged = new HashMap<>();
        private PipeClient side;
        private long count = -1;

        Ledger(int clients, PipeAddress address) {
            this.accounts = Math.max(2, clients);
            this.address = address;
        }

        private static String account(int i) {
            return "a" + i;
        }

        @Override
        public void prepare() throws IOException {
            side = PipeClient.connect(address, TIMEOUT).ioTimeout(TIMEOUT);
            List<String> opens = new ArrayList<>();
            for (int i = 0; i < accounts; i++) {
                opens.add("open " + account(i) + " " + OPENED);
            }
            List<String> replies = pipelined(opens);
            for (int i = 0; i < accounts; i++) {
                if (!replies.get(i).equals("ok")) {
                    throw new IOException(opens.get(i) + " got '" + replies.get(i) + "'");
                }
            }
        }

        /** Sends {@code requests} on the side connection, {@value #PIPELINE} at a time, and returns the replies. */
        private List<String> pipelined(List<String> requests) throws IOException {
            List<String> replies = new ArrayList<>(requests.size());
            for (int from = 0; from < requests.size(); from += PIPELINE) {
                int to = Math.min(requests.size(), from + PIPELINE);
                for (int i = from; i < to; i++) {
                    side.send(requests.get(i));
                }
                for (int i = from; i < to; i++) {
                    String reply = side.receiveText();
                    if (reply == null) {
                        throw new IOException("the server closed the connection after " + replies.size() + " replies");
                    }
                    replies.add(reply);
                }
            }
            return replies;
        }

        @Override
        public void writeRequest(int client, long seq, ByteBuffer out) {
            int from = random.nextInt(accounts);
            int to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
            String fields = account(from) + " " + account(to) + " " + (1 + random.nextInt(100));
            byte[] request = ("transfer " + fields).getBytes(StandardCharsets.US_ASCII);
            out.putInt(request.length).put(request);
            unanswered.computeIfAbsent(client, c -> new ArrayDeque<>()).add(fields);
        }

        @Override
        public int requestFrameBytes() {
            return 4 + ("transfer " + account(accounts - 1) + " " + account(accounts - 1) + " 100").length();
        }

        @Override
        public String check(int client, long seq, byte[] reply) {
            String fields = unanswered.get(client).poll();
            String text = new String(reply, StandardCharsets.UTF_8);
            if (!text.matches("ok [1-9][0-9]*")) {
                return "transfer " + fields + " got '" + text + "'";
            }
            long id = Long.parseLong(text.substring(3));
            if (id <= lastId.getOrDefault(client, 0L)) {
                return "transfer " + fields + " got id " + id + ", not above the client's last " + lastId.get(client);
            }
            lastId.put(client, id);
            String earlier = acknowledged.putIfAbsent(id, fields);
            return earlier == null ? null : "id " + id + " acknowledged twice: for " + earlier + " and for " + fields;
        }

        @Override
        public long serverSyncs() {
            try {
                String reply = side.request("syncs");
                return reply == null ? -1 : Long.parseLong(reply);
            } catch (IOException e) {
                throw new UncheckedIOException("asking the ledger for its syncs", e);
            }
        }

        @Override
        public String finish() {
            try {
                List<Long> ids = new ArrayList<>(acknowledged.keySet());
                List<String> shows = new ArrayList<>();
                ids.forEach(id -> shows.add("show " + id));
                shows.add("total");
                shows.add("count");
                List<String> replies = pipelined(shows);
                List<String> wrong = new ArrayList<>();
                for (int i = 0; i < ids.size(); i++) {
                    if (!replies.get(i).equals(acknowledged.get(ids.get(i)))) {
                        wrong.add("show " + ids.get(i) + " gave '" + replies.get(i) + "', acknowledged as '"
                                + acknowledged.get(ids.get(i)) + "'");
                    }
                }
                String total = replies.get(ids.size());
                if (!total.equals(Long.toString(accounts * OPENED))) {
                    wrong.add("the total is " + total + ", not the " + accounts * OPENED + " opened: money was "
                            + "made or lost");
                }
                count = Long.parseLong(replies.get(ids.size() + 1));
                if (count < acknowledged.size()) {
                    wrong.add("count is " + count + ", below the " + acknowledged.size() + " transfers acknowledged");
                }
                return wrong.isEmpty()
                        ? null
                        : wrong.size() + " violations: "
                                + String.join("; ", wrong.subList(0, Math.min(5, wrong.size())));
            } catch (IOException | RuntimeException e) {
                return "the end-of-run check failed: " + e;
            }
        }

        @Override
        public String verdict() {
            return acknowledged.size() + " transfers acknowledged, each shown afterwards with its exact fields; the"
                    + " total of " + accounts + " accounts conserved; count " + count;
        }

        @Override
        public void close() {
            if (side != null) {
                try {
                    side.close();
                } catch (IOException e) {
                    // our own end: nothing more to learn
                }
            }
        }
    }
}
