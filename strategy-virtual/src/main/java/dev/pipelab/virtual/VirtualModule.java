package dev.pipelab.virtual;

import dev.pipelab.api.inject.PipeEngineModule;
import dev.pipelab.spi.os.IoStyle;

/** Registers the {@code virtual} engine with Guice. */
public final class VirtualModule extends PipeEngineModule {

    public VirtualModule() {
        super(VirtualPipeServer.KEY, IoStyle.BLOCKING, VirtualPipeServerFactory.class);
    }
}
