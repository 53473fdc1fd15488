package dev.pipelab.threaded;

import dev.pipelab.api.HandlerConcurrency;
import dev.pipelab.spi.engine.EngineFactory;
import dev.pipelab.spi.os.PipeSystemProvider;
import dev.pipelab.spi.os.PipeSystems;
import jakarta.inject.Inject;

/** Makes {@link ThreadedPipeServer}s. */
public final class ThreadedPipeServerFactory extends EngineFactory {

    /** A factory over the OS seam of this machine. */
    public ThreadedPipeServerFactory() {
        this(PipeSystems.select());
    }

    /** A factory over the given OS seam: the one Guice binds, or a test's. */
    @Inject
    ThreadedPipeServerFactory(PipeSystemProvider seam) {
        super(ThreadedPipeServer.KEY, HandlerConcurrency.CONCURRENT, seam, ThreadedPipeServer::new);
    }
}
