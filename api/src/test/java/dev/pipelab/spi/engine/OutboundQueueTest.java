package dev.pipelab.spi.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelab.spi.engine.OutboundQueue.Offer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
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

    @Test
    void aWaitingWriterWakesForAFrameQueuedFromAnotherThreadAndForTheEnd() throws Exception {
        OutboundQueue q = new OutboundQueue(100, counters);
        Waiter first = Waiter.parkedIn(q);
        q.offerPush(new byte[] {7});
        assertThat(first.result()).as("a frame is queued").isTrue();
        assertThat(q.poll().payload()).containsExactly(7);

        Waiter last = Waiter.parkedIn(q);
        q.finish();
        assertThat(last.result()).as("finished and empty: the writer may end").isFalse();
    }

    @Test
    void anInterruptedWriterStopsWaitingAndAnotherMayWaitAfterIt() throws Exception {
        OutboundQueue q = new OutboundQueue(100, counters);
        Waiter interrupted = Waiter.parkedIn(q);
        interrupted.thread.interrupt();
        assertThatThrownBy(interrupted::result).hasCauseInstanceOf(InterruptedException.class);

        Waiter next = Waiter.parkedIn(q);
        q.offerReply(new byte[] {1});
        assertThat(next.result()).isTrue();
    }

    @Test
    void aSecondWriterWaitingAtTheSameTimeIsRefused() throws Exception {
        OutboundQueue q = new OutboundQueue(100, counters);
        Waiter first = Waiter.parkedIn(q);
        assertThatThrownBy(q::awaitFrames)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another writer waits already");
        q.finish();
        assertThat(first.result()).as("the first still waits, and ends").isFalse();
    }

    /** A virtual thread in awaitFrames. */
    private record Waiter(Thread thread, CompletableFuture<Boolean> outcome) {

        /** Starts one, and returns once it is parked in the wait (bounded by the class's timeout). */
        static Waiter parkedIn(OutboundQueue q) {
            CompletableFuture<Boolean> outcome = new CompletableFuture<>();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    outcome.complete(q.awaitFrames());
                } catch (Throwable e) {
                    outcome.completeExceptionally(e);
                }
            });
            while (t.getState() != Thread.State.WAITING && !outcome.isDone()) {
                Thread.onSpinWait();
            }
            assertThat(outcome).as("still waiting").isNotDone();
            return new Waiter(t, outcome);
        }

        boolean result() throws InterruptedException, ExecutionException {
            try {
                return outcome.get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the writer did not wake", e);
            }
        }
    }
}
