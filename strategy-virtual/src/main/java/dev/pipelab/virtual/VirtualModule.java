package dev.pipelab.virtual;

import dev.pipelab.api.inject.PipeEngineModule;

/** Registers the {@code virtual} engine with Guice. */
public final class VirtualModule extends PipeEngineModule {

    public VirtualModule() {
        super(VirtualPipeServer.KEY, VirtualPipeServerFactory.class);
    }
}
