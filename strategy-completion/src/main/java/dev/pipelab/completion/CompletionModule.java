package dev.pipelab.completion;

import dev.pipelab.api.inject.PipeEngineModule;
import dev.pipelab.spi.os.IoStyle;

/** Registers the {@code completion} engine with Guice. */
public final class CompletionModule extends PipeEngineModule {

    public CompletionModule() {
        super(CompletionPipeServer.KEY, IoStyle.COMPLETION, CompletionPipeServerFactory.class);
    }
}
