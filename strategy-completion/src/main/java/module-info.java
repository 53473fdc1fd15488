/** The {@code completion} engine. */
module dev.pipelab.completion {
    requires transitive dev.pipelab.api;
    requires jakarta.inject;
    requires org.slf4j;

    exports dev.pipelab.completion;

    opens dev.pipelab.completion to
            com.google.guice; // Guice calls the factory's injected constructor

    provides dev.pipelab.api.inject.PipeEngineModule with
            dev.pipelab.completion.CompletionModule;
}
