package dev.pipelab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pipelab.report.Statistics.Spread;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class StatisticsTest {

    @Test
    void medianOfAnOddCountIsTheMiddleValueAndTheSpreadItsRange() {
        assertThat(Statistics.spread(List.of(5.0, 1.0, 3.0))).isEqualTo(new Spread(3, 1, 5));
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(Statistics.spread(List.of(4.0, 1.0, 2.0, 10.0))).isEqualTo(new Spread(3, 1, 10));
    }

    @Test
    void oneValueIsItsOwnMedianAndRange() {
        Spread s = Statistics.spread(List.of(7.0));
        assertThat(s).isEqualTo(new Spread(7, 7, 7));
        assertThat(s.relativeRange()).isZero();
    }

    @Test
    void noValuesHaveNoMedian() {
        assertThat(Statistics.spread(List.of()).median()).isNaN();
    }

    @Test
    void relativeRangeIsTheRangeOverTheMedian() {
        assertThat(new Spread(100, 95, 105).relativeRange()).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void percentilesComeFromTheHistogramInMicroseconds() {
        Histogram nanos = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        for (int micros = 1; micros <= 1000; micros++) {
            nanos.recordValue(micros * 1000L);
        }
        assertThat(Statistics.percentileMicros(nanos, 50)).isCloseTo(500, within(1.0));
        assertThat(Statistics.percentileMicros(nanos, 99)).isCloseTo(990, within(1.0));
        assertThat(Statistics.percentileMicros(nanos, 99.9)).isCloseTo(999, within(1.0));
        assertThat(Statistics.percentileMicros(new Histogram(3), 99)).isZero();
    }

    @Test
    void jainIndexIsOneWhenEvenAndOneOverNWhenOneClientGetsEverything() {
        assertThat(Statistics.jainIndex(new long[] {10, 10, 10, 10})).isEqualTo(1.0);
        assertThat(Statistics.jainIndex(new long[] {40, 0, 0, 0})).isEqualTo(0.25);
        assertThat(Statistics.jainIndex(new long[] {})).isEqualTo(1.0);
    }

    @Test
    void slowestShareIsTheLeastServedClientAgainstTheMean() {
        assertThat(Statistics.slowestShare(new long[] {5, 10, 15})).isEqualTo(0.5);
        assertThat(Statistics.slowestShare(new long[] {0, 0})).isEqualTo(1.0);
    }
}
