package dev.pipelab.report;

import java.util.List;

/**
 * What one driver run measured, as the driver prints it (one JSON line after {@code RESULT }).
 *
 * @param workload the workload's name
 * @param connections connections the workload opens at once
 * @param connected connections that got through
 * @param errors clients that saw a wrong byte, an error frame, a closed connection or no reply in time
 * @param errorSamples the first few errors, each naming its client
 * @param verdict what the end-of-run check established (counter, broadcast), or null
 * @param before the server's footprint after a full GC, before the measured clients connected:
 *     before any client, or for the idle workload, with the busy clients warmed up
 * @param loaded the server's footprint after a full GC, every client connected and warmed up
 * @param peakRssKb the server's peak resident memory (VmHWM) at the end
 * @param peakThreads the most threads the server process had, sampled every 100 ms
 * @param windows the measured repetitions, in order
 */
public record DriverReport(
        String workload,
        int connections,
        int connected,
        long errors,
        List<String> errorSamples,
        String verdict,
        ProcessMeter.Footprint before,
        ProcessMeter.Footprint loaded,
        long peakRssKb,
        long peakThreads,
        List<Window> windows) {

    /**
     * One measured repetition.
     *
     * @param messages replies verified (deliveries, for broadcast; whole exchanges, for churn)
     * @param seconds how long the window lasted
     * @param serverCpuSeconds CPU the server process used in the window, all threads
     * @param p50Micros median latency from request to verified reply
     * @param p99Micros 99th percentile latency
     * @param p999Micros 99.9th percentile latency
     * @param fairness Jain's index of the clients' reply counts: 1 when all were served alike, 1/n when one got everything
     * @param slowestShare the least-served client's replies as a fraction of the mean
     * @param syncs durable commits (one sync each) the server made in the window; -1 where there are none to count
     */
    public record Window(
            long messages,
            double seconds,
            double serverCpuSeconds,
            double p50Micros,
            double p99Micros,
            double p999Micros,
            double fairness,
            double slowestShare,
            long syncs) {

        /** Messages per second in this window. */
        public double messagesPerSecond() {
            return seconds > 0 ? messages / seconds : 0;
        }

        /** Syncs per second in this window; NaN where none are counted. */
        public double syncsPerSecond() {
            return syncs >= 0 && seconds > 0 ? syncs / seconds : Double.NaN;
        }

        /** Messages (for the ledger, transfers) acknowledged per sync; NaN where none are counted. */
        public double messagesPerSync() {
            return syncs > 0 ? messages / (double) syncs : Double.NaN;
        }

        /** Server CPU microseconds per message. */
        public double cpuMicrosPerMessage() {
            return messages > 0 ? serverCpuSeconds * 1e6 / messages : 0;
        }
    }
}
