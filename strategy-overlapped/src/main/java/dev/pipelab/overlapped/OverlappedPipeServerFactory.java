package dev.pipelab.overlapped;

import dev.pipelab.api.HandlerConcurrency;
import dev.pipelab.api.engine.EngineFactory;
import dev.pipelab.api.os.PipeSystem;
import jakarta.inject.Inject;

/** Makes {@link OverlappedPipeServer}s. */
public final class OverlappedPipeServerFactory extends EngineFactory {

    /** A factory over the OS seam of this machine. */
    public OverlappedPipeServerFactory() {
        this(PipeSystem.forThisOs());
    }

    /** A factory over the given OS seam. */
    @Inject
    public OverlappedPipeServerFactory(PipeSystem pipes) {
        super(OverlappedPipeServer.KEY, HandlerConcurrency.ONE_AT_A_TIME, pipes, OverlappedPipeServer::new);
    }
}
