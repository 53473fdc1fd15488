package dev.pipelab.threaded;

import dev.pipelab.api.inject.PipeEngineModule;

/** Registers the {@code threaded} engine with Guice. */
public final class ThreadedModule extends PipeEngineModule {

    public ThreadedModule() {
        super(ThreadedPipeServer.KEY, ThreadedPipeServerFactory.class);
    }
}
