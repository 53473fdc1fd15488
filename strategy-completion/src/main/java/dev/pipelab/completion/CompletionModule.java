package dev.pipelab.completion;

import dev.pipelab.api.inject.PipeEngineModule;

/** Registers the {@code completion} engine with Guice. */
public final class CompletionModule extends PipeEngineModule {

    public CompletionModule() {
        super(CompletionPipeServer.KEY, CompletionPipeServerFactory.class);
    }
}
