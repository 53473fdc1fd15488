package dev.pipelab.overlapped;

import dev.pipelab.api.inject.PipeEngineModule;
import dev.pipelab.spi.os.IoStyle;

/** Registers the {@code overlapped} engine with Guice. */
public final class OverlappedModule extends PipeEngineModule {

    public OverlappedModule() {
        super(OverlappedPipeServer.KEY, IoStyle.OVERLAPPED, OverlappedPipeServerFactory.class);
    }
}
