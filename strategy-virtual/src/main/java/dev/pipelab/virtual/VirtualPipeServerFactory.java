package dev.pipelab.virtual;

import dev.pipelab.api.HandlerConcurrency;
import dev.pipelab.api.engine.EngineFactory;
import dev.pipelab.api.os.PipeSystem;
import jakarta.inject.Inject;

/** Makes {@link VirtualPipeServer}s. */
public final class VirtualPipeServerFactory extends EngineFactory {

    /** A factory over the OS seam of this machine. */
    public VirtualPipeServerFactory() {
        this(PipeSystem.forThisOs());
    }

    /** A factory over the given OS seam. */
    @Inject
    public VirtualPipeServerFactory(PipeSystem pipes) {
        super(VirtualPipeServer.KEY, HandlerConcurrency.CONCURRENT, pipes, VirtualPipeServer::new);
    }
}
