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
            case BROADCAST -> throw new IllegalArgumentException("broadcast has no request/reply exchange");
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
            return (byte) (client * 31 + seq * 7 + i);
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
            return java.util.Arrays.equals(reply, ANSWER) ? null
                    : "reply " + seq + " is '" + new String(reply, StandardCharsets.UTF_8) + "', not the sample's answer";
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
            return highest == acknowledged ? null
                    : acknowledged + " updates acknowledged but the total reached " + highest;
        }

        @Override
        public String verdict() {
            return acknowledged + " increments acknowledged, totals 1.." + highest + " each seen once: no update lost";
        }
    }
}
