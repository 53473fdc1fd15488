package dev.pipelab.threaded;

import dev.pipelab.api.HandlerConcurrency;
import dev.pipelab.spi.engine.EngineFactory;
import dev.pipelab.spi.os.IoStyle;
import dev.pipelab.spi.os.PipeSystemProvider;
import dev.pipelab.spi.os.PipeSystems;
import jakarta.inject.Inject;

/** Makes {@link ThreadedPipeServer}s. */
public final class ThreadedPipeServerFactory extends EngineFactory {

    /** A factory over the OS seam this machine prefers for the engine's I/O style. */
    public ThreadedPipeServerFactory() {
        this(PipeSystems.select(IoStyle.BLOCKING));
    }

    /** A factory over the given OS seam: the one Guice binds, or a test's. */
    @Inject
    ThreadedPipeServerFactory(PipeSystemProvider seam) {
        super(ThreadedPipeServer.KEY, HandlerConcurrency.CONCURRENT, seam, ThreadedPipeServer::new);
    }
}
