package dev.pipelab.overlapped;

import dev.pipelab.api.inject.PipeEngineModule;

/** Registers the {@code overlapped} engine with Guice. */
public final class OverlappedModule extends PipeEngineModule {

    public OverlappedModule() {
        super(OverlappedPipeServer.KEY, OverlappedPipeServerFactory.class);
    }
}
