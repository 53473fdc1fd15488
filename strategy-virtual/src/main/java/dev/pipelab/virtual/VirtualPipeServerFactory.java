package dev.pipelab.virtual;

import dev.pipelab.api.HandlerConcurrency;
import dev.pipelab.spi.engine.EngineFactory;
import dev.pipelab.spi.os.IoStyle;
import dev.pipelab.spi.os.PipeSystemProvider;
import dev.pipelab.spi.os.PipeSystems;
import jakarta.inject.Inject;

/** Makes {@link VirtualPipeServer}s. */
public final class VirtualPipeServerFactory extends EngineFactory {

    /** A factory over the OS seam this machine prefers for the engine's I/O style. */
    public VirtualPipeServerFactory() {
        this(PipeSystems.select(IoStyle.BLOCKING));
    }

    /** A factory over the given OS seam: the one Guice binds, or a test's. */
    @Inject
    VirtualPipeServerFactory(PipeSystemProvider seam) {
        super(VirtualPipeServer.KEY, HandlerConcurrency.CONCURRENT, seam, VirtualPipeServer::new);
    }
}
