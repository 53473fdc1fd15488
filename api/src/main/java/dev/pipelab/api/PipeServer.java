package dev.pipelab.api;

import java.io.IOException;

/**
 * A pipe server: one endpoint, one handler, one engine. Created by a {@link PipeServerFactory},
 * it does nothing until {@link #start()}; whoever starts it closes it.
 */
public interface PipeServer extends AutoCloseable {

    /** The engine's key: {@code threaded}, {@code overlapped}, {@code completion} or {@code virtual}. */
    String strategy();

    /**
     * Claims the endpoint and starts accepting clients. Returns once clients can connect.
     *
     * @return this server
     * @throws IOException with a message naming the endpoint and the problem: in use by a live
     *     server, path too long, permission denied
     * @throws IllegalStateException if the server was started before
     */
    PipeServer start() throws IOException;

    /** The endpoint clients connect to. */
    PipeAddress address();

    /** The server's counters now. */
    PipeServerStats stats();

    /** True from a successful start until close begins. */
    boolean isRunning();

    /**
     * Stops gracefully and releases everything: stops accepting, stops reading requests, writes
     * the replies already owed within the grace period, closes every connection, joins every
     * thread the server started and removes the endpoint. Idempotent; never throws.
     */
    @Override
    void close();
}
