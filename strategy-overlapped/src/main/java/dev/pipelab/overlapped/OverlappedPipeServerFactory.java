package dev.pipelab.overlapped;

import dev.pipelab.api.HandlerConcurrency;
import dev.pipelab.spi.engine.EngineFactory;
import dev.pipelab.spi.os.IoStyle;
import dev.pipelab.spi.os.PipeSystemProvider;
import dev.pipelab.spi.os.PipeSystems;
import jakarta.inject.Inject;

/** Makes {@link OverlappedPipeServer}s. */
public final class OverlappedPipeServerFactory extends EngineFactory {

    /** A factory over the OS seam this machine prefers for the engine's I/O style. */
    public OverlappedPipeServerFactory() {
        this(PipeSystems.select(IoStyle.OVERLAPPED));
    }

    /** A factory over the given OS seam: the one Guice binds, or a test's. */
    @Inject
    OverlappedPipeServerFactory(PipeSystemProvider seam) {
        super(OverlappedPipeServer.KEY, HandlerConcurrency.ONE_AT_A_TIME, seam, OverlappedPipeServer::new);
    }
}
