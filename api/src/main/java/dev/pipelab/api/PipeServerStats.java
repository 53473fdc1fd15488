package dev.pipelab.api;

/**
 * A snapshot of a server's counters.
 *
 * @param accepted sessions accepted since start
 * @param active sessions connected now
 * @param messagesIn requests read
 * @param messagesOut frames written, replies and pushes
 * @param errorFrames sessions ended with an error frame
 * @param peakQueuedBytes the most bytes any one session had queued for writing at once
 */
public record PipeServerStats(
        long accepted, int active, long messagesIn, long messagesOut, long errorFrames, long peakQueuedBytes) {}
