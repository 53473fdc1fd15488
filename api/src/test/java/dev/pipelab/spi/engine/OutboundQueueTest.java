package dev.pipelab.spi.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelab.spi.engine.OutboundQueue.Offer;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {

    private final ServerCounters counters = new ServerCounters();

    @Test
    void repliesAreAlwaysTakenPushesOnlyWithinTheBound() {
        OutboundQueue q = new OutboundQueue(20, counters);
        assertThat(q.offerPush(new byte[10])).isEqualTo(Offer.QUEUED); // 14 bytes accounted
        assertThat(q.offerPush(new byte[3])).isEqualTo(Offer.FULL); // 14 + 7 > 20
        assertThat(q.offerReply(new byte[30])).isEqualTo(Offer.QUEUED);
        assertThat(counters.snapshot().peakQueuedBytes()).isEqualTo(48);
    }

    @Test
    void writtenFramesLeaveTheAccountInOrder() throws Exception {
        OutboundQueue q = new OutboundQueue(100, counters);
        q.offerReply(new byte[] {1});
        q.offerReply(new byte[] {2});
        OutboundFrame first = q.poll();
        assertThat(first.payload()).containsExactly(1);
        assertThat(q.queuedBytes()).isEqualTo(10);
        q.written(first);
        assertThat(q.queuedBytes()).isEqualTo(5);
    }

    @Test
    void anErrorFollowsQueuedRepliesOrReplacesThem() throws Exception {
        OutboundQueue keep = new OutboundQueue(100, counters);
        keep.offerReply(new byte[] {1});
        assertThat(keep.finishWithError("bad frame", false)).isTrue();
        assertThat(keep.offerReply(new byte[] {2})).isEqualTo(Offer.FINISHED);
        assertThat(keep.poll().payload()).containsExactly(1);
        assertThat(keep.poll().errorReason()).isEqualTo("bad frame");
        assertThat(keep.poll()).isNull();
        assertThat(keep.awaitFrames())
                .as("finished and empty: a writer may end")
                .isFalse();

        OutboundQueue drop = new OutboundQueue(100, counters);
        drop.offerReply(new byte[] {1});
        drop.finishWithError("not reading", true);
        assertThat(drop.awaitFrames()).isTrue();
        assertThat(drop.poll().errorReason()).isEqualTo("not reading");
        assertThat(drop.finishWithError("again", true)).isFalse();
    }

    @Test
    void droppingTheQueuedFramesKeepsTheOneBeingWrittenInTheAccount() {
        OutboundQueue q = new OutboundQueue(100, counters);
        q.offerReply(new byte[6]); // 10 bytes accounted
        OutboundFrame beingWritten = q.poll();
        q.offerPush(new byte[16]); // 20 more, queued behind it
        assertThat(q.finishWithError("not reading", true)).isTrue();
        OutboundFrame error = q.poll();
        assertThat(error.isError()).isTrue();
        assertThat(q.poll()).as("the push was dropped").isNull();
        assertThat(q.queuedBytes())
                .as("the frame being written and the error frame")
                .isEqualTo(10 + error.accountedBytes());

        q.written(beingWritten);
        q.written(error);
        assertThat(q.queuedBytes()).as("everything written: nothing owed").isZero();
    }
}
