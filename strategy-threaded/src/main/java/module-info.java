/** The {@code threaded} engine. */
module dev.pipelab.threaded {
    requires transitive dev.pipelab.api;
    requires jakarta.inject;
    requires org.slf4j;

    exports dev.pipelab.threaded;

    opens dev.pipelab.threaded to
            com.google.guice; // Guice calls the factory's injected constructor

    provides dev.pipelab.api.inject.PipeEngineModule with
            dev.pipelab.threaded.ThreadedModule;
}
