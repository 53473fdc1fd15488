package dev.pipelab.report;

import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;

/** The few statistics the report uses: medians and spreads of repetitions, latency percentiles, fairness. */
public final class Statistics {

    private Statistics() {}

    /**
     * The median and the range of repeated measurements.
     *
     * @param median the middle value (the mean of the two middle ones for an even count)
     * @param min the smallest
     * @param max the largest
     */
    public record Spread(double median, double min, double max) {

        /** No measurements. */
        public static final Spread NONE = new Spread(Double.NaN, Double.NaN, Double.NaN);

        /** The range as a fraction of the median: 0.1 means min and max lie within 10 % of it in total. */
        public double relativeRange() {
            return median == 0 ? 0 : (max - min) / Math.abs(median);
        }
    }

    /** The median and range of {@code values}; {@link Spread#NONE} when there are none. */
    public static Spread spread(List<Double> values) {
        if (values.isEmpty()) {
            return Spread.NONE;
        }
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Spread(median, sorted[0], sorted[n - 1]);
    }

    /** The latency at {@code percentile} (0..100) of a histogram of nanoseconds, in microseconds; 0 when empty. */
    public static double percentileMicros(Histogram nanos, double percentile) {
        return nanos.getTotalCount() == 0 ? 0 : nanos.getValueAtPercentile(percentile) / 1e3;
    }

    /**
     * Jain's fairness index of per-client counts: (sum x)^2 / (n * sum x^2). It is 1 when every
     * client was served equally, and 1/n when one client got everything; 1 for no clients or no replies.
     */
    public static double jainIndex(long[] perClient) {
        double sum = 0;
        double squares = 0;
        for (long x : perClient) {
            sum += x;
            squares += (double) x * x;
        }
        return squares == 0 ? 1 : sum * sum / (perClient.length * squares);
    }

    /** The least-served client's count as a fraction of the mean; 1 for no clients or no replies. */
    public static double slowestShare(long[] perClient) {
        if (perClient.length == 0) {
            return 1;
        }
        double mean = Arrays.stream(perClient).average().orElse(0);
        return mean == 0 ? 1 : Arrays.stream(perClient).min().orElse(0) / mean;
    }
}
