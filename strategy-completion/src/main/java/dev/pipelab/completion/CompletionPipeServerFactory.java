package dev.pipelab.completion;

import dev.pipelab.api.HandlerConcurrency;
import dev.pipelab.api.engine.EngineFactory;
import dev.pipelab.api.os.PipeSystem;
import jakarta.inject.Inject;

/** Makes {@link CompletionPipeServer}s. */
public final class CompletionPipeServerFactory extends EngineFactory {

    /** A factory over the OS seam of this machine. */
    public CompletionPipeServerFactory() {
        this(PipeSystem.forThisOs());
    }

    /** A factory over the given OS seam. */
    @Inject
    public CompletionPipeServerFactory(PipeSystem pipes) {
        super(CompletionPipeServer.KEY, HandlerConcurrency.ONE_AT_A_TIME, pipes, CompletionPipeServer::new);
    }
}
