package dev.pipelab.spi.os;

import dev.pipelab.api.PipeAddress;
import java.io.Closeable;
import java.io.IOException;

/**
 * A claimed pipe name and the instances created under it. On Windows every instance is a
 * handle from CreateNamedPipe; on Unix the name is one listening socket, and an instance is a
 * slot that accepts one client at a time from it.
 */
public interface NamedPipe extends Closeable {

    /** The endpoint clients connect to. */
    PipeAddress address();

    /** CreateNamedPipe: a new instance, not yet connected to a client. */
    PipeInstance createInstance() throws IOException;

    /** True until {@link #close()}. */
    boolean isOpen();

    /**
     * Stops accepting: a {@link PipeInstance#connect()} in progress fails with
     * {@link java.nio.channels.ClosedChannelException}, and the endpoint is removed. Connected
     * instances are not touched. Idempotent; never throws.
     */
    @Override
    void close();
}
