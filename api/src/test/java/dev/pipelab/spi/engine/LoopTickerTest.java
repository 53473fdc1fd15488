package dev.pipelab.spi.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LoopTickerTest {

    @Test
    void aBusyLoopLooksAtTheClockEveryFewTurnsAndAnIdleOneAtOnce() {
        LoopTicker ticker = new LoopTicker(Duration.ZERO); // every look at the clock finds a tick passed

        assertThat(IntStream.range(0, 3 * LoopTicker.TURNS_PER_CLOCK_READ).filter(turn -> ticker.sweepDue(false)))
                .as("busy turns on which a sweep was due")
                .containsExactly(31, 63, 95);
        assertThat(ticker.sweepDue(true)).as("after a wait that timed out").isTrue();
    }

    @Test
    void noSweepIsDueBeforeATickHasPassed() {
        LoopTicker ticker = new LoopTicker(Duration.ofHours(1));

        assertThat(IntStream.range(0, 100).filter(turn -> ticker.sweepDue(turn % 2 == 0)))
                .isEmpty();
    }
}
