package dev.pipelab.report;

import dev.pipelab.report.Statistics.Spread;
import java.util.Locale;

/** How numbers read in the report: grouped thousands, a sensible number of digits, ranges in brackets. */
final class Format {

    private Format() {}

    /** {@code 12,345}, {@code 12.3}, {@code 1.23}, {@code 0.123}: three significant digits at most below 1000. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double a = Math.abs(v);
        if (v == Math.rint(v) && a < 1e15) {
            return String.format(Locale.ROOT, "%,.0f", v); // whole numbers: counts, axis ticks
        }
        String pattern = a >= 100 ? "%,.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, v);
    }

    /** The median, then the range over the repetitions: {@code 12,345 (12,001-12,600)}. */
    static String spread(Spread s) {
        if (Double.isNaN(s.median())) {
            return "-";
        }
        return s.min() == s.max()
                ? number(s.median())
                : number(s.median()) + " (" + number(s.min()) + "-" + number(s.max()) + ")";
    }

    /** A ratio as {@code 1.23x}. */
    static String ratio(double r) {
        return Double.isNaN(r) || Double.isInfinite(r) ? "-" : String.format(Locale.ROOT, "%.2fx", r);
    }

    /** KiB as MiB with one decimal; {@code n/a} where the OS did not tell ({@link ProcessMeter#UNKNOWN}). */
    static String mib(long kb) {
        return kb < 0 ? NOT_KNOWN : String.format(Locale.ROOT, "%.1f", kb / 1024.0);
    }

    /** A count; {@code n/a} where the OS did not tell ({@link ProcessMeter#UNKNOWN}). */
    static String count(long n) {
        return n < 0 ? NOT_KNOWN : Long.toString(n);
    }

    /** What a figure the OS does not give reads as. */
    static final String NOT_KNOWN = "n/a";
}
