package dev.pipelab.report;

import java.util.Arrays;

/**
 * The broadcast workload's check, fed one delivery at a time: every player gets every other
 * player's moves exactly once and in the order they were sent, never its own, and all players
 * see the moves in one total order.
 *
 * <p>The total order is checked pair by pair as deliveries arrive: for players {@code a} and
 * {@code b}, the moves {@code a} received from senders other than {@code b} must be, in order,
 * the moves {@code b} received from senders other than {@code a}. Whatever one of the two has
 * received and the other not yet waits in a queue kept for the pair, and the other's next such
 * delivery must be its head. So memory stays bounded by the moves in flight, and each delivery
 * costs one step per other player.
 *
 * <p>A player that {@link #leave}s (the driver dropped it after an error) is no longer checked
 * nor waited for.
 */
final class BroadcastOrder {

    private static final long AGREED = -1; // moves encode as non-negative longs

    private final int players;
    private final long[] sent;
    private final long[][] expected; // expected[r][s]: the sequence number of the next move r must get from s
    private final boolean[] left;
    private final PairQueue[][] pairs; // pairs[a][b] for a < b
    private long deliveries;

    /** A check of {@code players} players, none of which has moved yet. */
    BroadcastOrder(int players) {
        this.players = players;
        this.sent = new long[players];
        this.expected = new long[players][players];
        this.left = new boolean[players];
        this.pairs = new PairQueue[players][players];
        for (int a = 0; a < players; a++) {
            for (int b = a + 1; b < players; b++) {
                pairs[a][b] = new PairQueue();
            }
        }
    }

    /** Player {@code sender} sent its move {@code seq}; moves are numbered from 0, in sending order. */
    void sent(int sender, long seq) {
        sent[sender] = seq + 1;
    }

    /** Null when {@code recipient} may get move {@code seq} of {@code sender} now, else what is wrong. */
    String delivered(int recipient, int sender, long seq) {
        if (sender < 0 || sender >= players) {
            return "a move from player " + sender + ", but the players are 0.." + (players - 1);
        }
        if (sender == recipient) {
            return "received its own move " + seq;
        }
        long next = expected[recipient][sender];
        if (seq != next) {
            return "received move " + seq + " of player " + sender + " where move " + next
                    + " was next (a move lost, repeated or overtaken)";
        }
        if (seq >= sent[sender]) {
            return "received move " + seq + " of player " + sender + ", which it has not sent";
        }
        expected[recipient][sender]++;
        deliveries++;
        long move = encode(sender, seq);
        String disorder = null;
        for (int other = 0; other < players; other++) {
            if (other == recipient || other == sender || left[other]) {
                continue;
            }
            long theirs = pair(recipient, other).advance(recipient, move);
            if (theirs != AGREED && disorder == null) {
                disorder = "received " + describe(move) + " where player " + other + " received " + describe(theirs)
                        + " next: the two saw the moves in different orders";
            }
        }
        return disorder;
    }

    /** Drops {@code player}: it is neither checked nor waited for any more. */
    void leave(int player) {
        left[player] = true;
    }

    /** Moves of {@code sender} that some player still in the game has not received yet. */
    long undelivered(int sender) {
        long slowest = sent[sender];
        for (int r = 0; r < players; r++) {
            if (r != sender && !left[r]) {
                slowest = Math.min(slowest, expected[r][sender]);
            }
        }
        return sent[sender] - slowest;
    }

    /** After the run: null when every player still in the game received every move of every other, else what is missing. */
    String missing() {
        for (int r = 0; r < players; r++) {
            for (int s = 0; s < players; s++) {
                if (r != s && !left[r] && !left[s] && expected[r][s] != sent[s]) {
                    return "player " + r + " received " + expected[r][s] + " of the " + sent[s] + " moves of player "
                            + s;
                }
            }
        }
        return null;
    }

    /** Moves sent, all players. */
    long moves() {
        return Arrays.stream(sent).sum();
    }

    /** Deliveries checked, all players. */
    long deliveries() {
        return deliveries;
    }

    private PairQueue pair(int a, int b) {
        return a < b ? pairs[a][b] : pairs[b][a];
    }

    private static long encode(int sender, long seq) {
        return (long) sender << 40 | seq;
    }

    private static String describe(long move) {
        return "move " + (move & ((1L << 40) - 1)) + " of player " + (move >>> 40);
    }

    /**
     * The moves one player of a pair has received, of senders other than the two, that the other
     * has not received yet: a ring of longs, filled by whichever player is ahead.
     */
    private static final class PairQueue {
        private long[] moves = new long[0];
        private int head;
        private int size;
        private int ahead = -1; // the player whose deliveries are queued
        private boolean broken; // one disagreement is reported; after it, the pair is not checked

        /** {@code player} received {@code move}: {@link #AGREED}, or the move the other player received in its place. */
        long advance(int player, long move) {
            if (broken) {
                return AGREED;
            }
            if (size == 0 || ahead == player) {
                push(player, move);
                return AGREED;
            }
            long theirs = moves[head];
            if (theirs != move) {
                broken = true;
                return theirs;
            }
            head = (head + 1) % moves.length;
            size--;
            return AGREED;
        }

        private void push(int player, long move) {
            if (size == moves.length) {
                long[] grown = new long[Math.max(16, moves.length * 2)];
                for (int i = 0; i < size; i++) {
                    grown[i] = moves[(head + i) % moves.length];
                }
                moves = grown;
                head = 0;
            }
            moves[(head + size) % moves.length] = move;
            size++;
            ahead = player;
        }
    }
}
