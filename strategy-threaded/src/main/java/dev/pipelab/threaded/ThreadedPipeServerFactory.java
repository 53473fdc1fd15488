package dev.pipelab.threaded;

import dev.pipelab.api.HandlerConcurrency;
import dev.pipelab.api.engine.EngineFactory;
import dev.pipelab.api.os.PipeSystem;
import jakarta.inject.Inject;

/** Makes {@link ThreadedPipeServer}s. */
public final class ThreadedPipeServerFactory extends EngineFactory {

    /** A factory over the OS seam of this machine. */
    public ThreadedPipeServerFactory() {
        this(PipeSystem.forThisOs());
    }

    /** A factory over the given OS seam. */
    @Inject
    public ThreadedPipeServerFactory(PipeSystem pipes) {
        super(ThreadedPipeServer.KEY, HandlerConcurrency.CONCURRENT, pipes, ThreadedPipeServer::new);
    }
}
