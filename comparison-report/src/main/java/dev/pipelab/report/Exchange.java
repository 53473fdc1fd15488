package dev.pipelab.report;

import dev.pipelab.api.handler.AnswerHandler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;

/**
 * What a client of one workload sends and what it must get back. The driver asks for request
 * {@code seq} of client {@code client} and checks each reply against it; a check that fails
 * names what was wrong, and the run counts it as an error.
 */
interface Exchange {

    /** Appends the whole frame (length word and payload) of request {@code seq} of {@code client} to {@code out}. */
    void writeRequest(int client, long seq, ByteBuffer out);

    /** Bytes one request frame takes. */
    int requestFrameBytes();

    /** Null when {@code reply} is the right answer to request {@code seq} of {@code client}, else what is wrong. */
    String check(int client, long seq, byte[] reply);

    /** After the run: null when the whole run is consistent, else what is wrong. */
    default String finish() {
        return null;
    }

    /** What the end-of-run check established, for the report; null when there is nothing to say. */
    default String verdict() {
        return null;
    }

    /** The exchange a workload's clients make. */
    static Exchange of(Workload workload) {
        return switch (workload.kind()) {
            case ECHO, CHURN, IDLE -> new Echo(workload.payloadBytes());
            case ANSWER -> new Answer(workload.payloadBytes());
            case COUNTER -> new Counter();
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
}
