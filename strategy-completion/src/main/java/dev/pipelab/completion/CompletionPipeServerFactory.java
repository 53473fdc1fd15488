package dev.pipelab.completion;

import dev.pipelab.api.HandlerConcurrency;
import dev.pipelab.spi.engine.EngineFactory;
import dev.pipelab.spi.os.IoStyle;
import dev.pipelab.spi.os.PipeSystemProvider;
import dev.pipelab.spi.os.PipeSystems;
import jakarta.inject.Inject;

/** Makes {@link CompletionPipeServer}s. */
public final class CompletionPipeServerFactory extends EngineFactory {

    /** A factory over the OS seam this machine prefers for the engine's I/O style. */
    public CompletionPipeServerFactory() {
        this(PipeSystems.select(IoStyle.COMPLETION));
    }

    /** A factory over the given OS seam: the one Guice binds, or a test's. */
    @Inject
    CompletionPipeServerFactory(PipeSystemProvider seam) {
        super(CompletionPipeServer.KEY, HandlerConcurrency.ONE_AT_A_TIME, seam, CompletionPipeServer::new);
    }
}
