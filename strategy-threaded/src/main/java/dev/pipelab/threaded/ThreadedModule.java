package dev.pipelab.threaded;

import dev.pipelab.api.inject.PipeEngineModule;
import dev.pipelab.spi.os.IoStyle;

/** Registers the {@code threaded} engine with Guice. */
public final class ThreadedModule extends PipeEngineModule {

    public ThreadedModule() {
        super(ThreadedPipeServer.KEY, IoStyle.BLOCKING, ThreadedPipeServerFactory.class);
    }
}
