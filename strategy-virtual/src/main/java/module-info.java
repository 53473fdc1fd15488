/** The {@code virtual} engine. */
module dev.pipelab.virtual {
    requires transitive dev.pipelab.api;
    requires jakarta.inject;
    requires org.slf4j;

    exports dev.pipelab.virtual;

    opens dev.pipelab.virtual to
            com.google.guice; // Guice calls the factory's injected constructor

    provides dev.pipelab.api.inject.PipeEngineModule with
            dev.pipelab.virtual.VirtualModule;
}
