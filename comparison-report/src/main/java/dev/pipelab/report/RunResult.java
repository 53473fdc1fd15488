package dev.pipelab.report;

import dev.pipelab.report.Statistics.Spread;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One server on one workload: what the driver measured in each window, and the medians and
 * spreads over those windows that the report shows.
 *
 * @param engine the server's row: an engine key ({@code overlapped}), an engine on a further seam
 *     ({@code overlapped-nio}), or a reference ({@code netty}, {@code c-epoll})
 * @param seam the OS seam the engine ran on, as its READY line named it; null for a reference, for
 *     a run that never got that far, and in results written before there were two seams
 * @param workload the workload's name
 * @param family the workload's family (its name without the client count), one chart line per engine
 * @param clients busy clients
 * @param connections all connections held at once
 * @param errors errors of any kind: wrong bytes, failed clients, a failed start or stop
 * @param errorSamples the first few errors
 * @param verdict what the end-of-run check established, or null
 * @param peakRssKb the server's peak resident memory
 * @param peakThreads the most threads the server process had
 * @param kbPerConnection resident memory the connections added, per connection (after a full GC)
 * @param heapKbPerConnection live heap the connections added, per connection (after a full GC); NaN when unknown
 * @param windows the measured windows
 * @param summary medians and spreads over the windows
 */
public record RunResult(
        String engine,
        String seam,
        String workload,
        String family,
        int clients,
        int connections,
        long errors,
        List<String> errorSamples,
        String verdict,
        long peakRssKb,
        long peakThreads,
        double kbPerConnection,
        double heapKbPerConnection,
        List<DriverReport.Window> windows,
        Summary summary) {

    /**
     * Medians and ranges over the measured windows.
     *
     * @param messagesPerSecond verified replies per second
     * @param p50Micros median latency
     * @param p99Micros 99th percentile latency
     * @param p999Micros 99.9th percentile latency
     * @param cpuMicrosPerMessage server CPU per reply
     * @param fairness Jain's index over the clients
     * @param slowestShare the least-served client against the mean
     */
    public record Summary(
            Spread messagesPerSecond,
            Spread p50Micros,
            Spread p99Micros,
            Spread p999Micros,
            Spread cpuMicrosPerMessage,
            Spread fairness,
            Spread slowestShare) {

        static Summary of(List<DriverReport.Window> windows) {
            return new Summary(
                    over(windows, DriverReport.Window::messagesPerSecond),
                    over(windows, DriverReport.Window::p50Micros),
                    over(windows, DriverReport.Window::p99Micros),
                    over(windows, DriverReport.Window::p999Micros),
                    over(windows, DriverReport.Window::cpuMicrosPerMessage),
                    over(windows, DriverReport.Window::fairness),
                    over(windows, DriverReport.Window::slowestShare));
        }

        private static Spread over(List<DriverReport.Window> windows, ToDoubleFunction<DriverReport.Window> metric) {
            return Statistics.spread(windows.stream().map(metric::applyAsDouble).toList());
        }
    }

    /** The result of a run the driver completed; {@code stopProblem} is null when the server stopped cleanly. */
    static RunResult of(String engine, String seam, Workload workload, DriverReport report, String stopProblem) {
        List<String> samples = new java.util.ArrayList<>(report.errorSamples());
        long errors = report.errors();
        if (stopProblem != null) {
            samples.add(stopProblem);
            errors++;
        }
        int measured = workload.connectionsMeasuredForMemory();
        double perConnection = report.before().rssKb() < 0 || report.loaded().rssKb() < 0
                ? Double.NaN // the OS did not tell (no /proc): n/a, not 0
                : Math.max(0, report.loaded().rssKb() - report.before().rssKb()) / (double) measured;
        double heapPerConnection = report.before().liveHeapKb() < 0
                        || report.loaded().liveHeapKb() < 0
                ? Double.NaN
                : Math.max(0, report.loaded().liveHeapKb() - report.before().liveHeapKb()) / (double) measured;
        return new RunResult(
                engine,
                seam,
                workload.name(),
                workload.family(),
                workload.clients(),
                workload.connections(),
                errors,
                List.copyOf(samples),
                report.verdict(),
                report.peakRssKb(),
                report.peakThreads(),
                perConnection,
                heapPerConnection,
                report.windows(),
                Summary.of(report.windows()));
    }

    /** A run that produced no measurement at all, because {@code why}. */
    static RunResult failed(String engine, String seam, Workload workload, String why) {
        return new RunResult(
                engine,
                seam,
                workload.name(),
                workload.family(),
                workload.clients(),
                workload.connections(),
                1,
                List.of(why),
                null,
                0,
                0,
                0,
                Double.NaN,
                List.of(),
                Summary.of(List.of()));
    }

    /** True when some window was measured. */
    public boolean measured() {
        return !windows.isEmpty();
    }
}
