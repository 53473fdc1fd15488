package dev.pipelab.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The broadcast check on hand-made deliveries: exactly once, never one's own, one total order. */
class BroadcastOrderTest {

    private final BroadcastOrder order = new BroadcastOrder(3);

    @Test
    void movesDeliveredToEveryOtherPlayerInOneOrderPass() {
        order.sent(0, 0);
        order.sent(1, 0);
        // the server's order: move 0 of player 0, then move 0 of player 1
        assertThat(order.delivered(1, 0, 0)).isNull();
        assertThat(order.delivered(2, 0, 0)).isNull();
        assertThat(order.delivered(0, 1, 0)).isNull();
        assertThat(order.delivered(2, 1, 0)).isNull();

        assertThat(order.missing()).isNull();
        assertThat(order.deliveries()).isEqualTo(4);
        assertThat(order.moves()).isEqualTo(2);
    }

    @Test
    void twoPlayersThatSawTwoMovesInOppositeOrdersBreakTheTotalOrder() {
        BroadcastOrder four = new BroadcastOrder(4);
        four.sent(0, 0);
        four.sent(1, 0);
        assertThat(four.delivered(2, 0, 0)).isNull();
        assertThat(four.delivered(2, 1, 0)).isNull();

        assertThat(four.delivered(3, 1, 0))
                .isEqualTo("received move 0 of player 1 where player 2 received move 0 of"
                        + " player 0 next: the two saw the moves in different orders");
    }

    @RepeatedTest(20)
    void anyInterleavingOfOneTotalOrderPassesAndOneSwapFails() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        int players = 2 + random.nextInt(6);
        List<long[]> total = new ArrayList<>(); // {sender, seq} in the server's order
        long[] sent = new long[players];
        for (int i = 0; i < 300; i++) {
            int sender = random.nextInt(players);
            total.add(new long[] {sender, sent[sender]++});
        }
        List<List<long[]>> inboxes = new ArrayList<>();
        for (int r = 0; r < players; r++) {
            int recipient = r;
            inboxes.add(new ArrayList<>(
                    total.stream().filter(m -> m[0] != recipient).toList()));
        }
        boolean swapped = players >= 4 && random.nextBoolean();
        if (swapped) {
            swapTwoMovesOfDifferentSenders(inboxes.get(0));
        }

        String violation = deliverInRandomInterleaving(inboxes, sent, random);

        if (swapped) {
            assertThat(violation).as("seed %d", seed).isNotNull();
        } else {
            assertThat(violation).as("seed %d", seed).isNull();
        }
    }

    private static void swapTwoMovesOfDifferentSenders(List<long[]> inbox) {
        for (int i = 0; i + 1 < inbox.size(); i++) {
            if (inbox.get(i)[0] != inbox.get(i + 1)[0]) {
                Collections.swap(inbox, i, i + 1);
                return;
            }
        }
    }

    private static String deliverInRandomInterleaving(List<List<long[]>> inboxes, long[] sent, Random random) {
        BroadcastOrder check = new BroadcastOrder(inboxes.size());
        for (int s = 0; s < sent.length; s++) {
            if (sent[s] > 0) {
                check.sent(s, sent[s] - 1);
            }
        }
        int[] read = new int[inboxes.size()];
        String violation = null;
        int remaining = inboxes.stream().mapToInt(List::size).sum();
        while (remaining > 0) {
            int r = random.nextInt(inboxes.size());
            if (read[r] == inboxes.get(r).size()) {
                continue;
            }
            long[] move = inboxes.get(r).get(read[r]++);
            remaining--;
            String wrong = check.delivered(r, (int) move[0], move[1]);
            violation = violation != null ? violation : wrong;
        }
        return violation != null ? violation : check.missing();
    }

    @Test
    void aPlayersOwnMoveIsAViolation() {
        order.sent(0, 0);
        assertThat(order.delivered(0, 0, 0)).contains("its own move");
    }

    @Test
    void aRepeatedOrSkippedMoveIsAViolation() {
        order.sent(0, 1);
        assertThat(order.delivered(1, 0, 0)).isNull();
        assertThat(order.delivered(1, 0, 0)).contains("move 1 was next");
        assertThat(order.delivered(2, 0, 1)).contains("move 0 was next");
    }

    @Test
    void aMoveNeverSentIsAViolation() {
        assertThat(order.delivered(1, 0, 0)).contains("has not sent");
        assertThat(order.delivered(1, 7, 0)).contains("players are 0..2");
    }

    @Test
    void aMoveSomeoneMissedIsReportedAfterTheRunAndKeepsItsSenderWaiting() {
        order.sent(0, 0);
        assertThat(order.delivered(1, 0, 0)).isNull();

        assertThat(order.undelivered(0)).isEqualTo(1);
        assertThat(order.missing()).isEqualTo("player 2 received 0 of the 1 moves of player 0");
    }

    @Test
    void aPlayerThatLeftIsNeitherWaitedForNorChecked() {
        order.sent(0, 0);
        assertThat(order.delivered(1, 0, 0)).isNull();
        order.leave(2);

        assertThat(order.undelivered(0)).isZero();
        assertThat(order.missing()).isNull();
    }
}
