/** The {@code overlapped} engine. */
module dev.pipelab.overlapped {
    requires transitive dev.pipelab.api;
    requires jakarta.inject;
    requires org.slf4j;

    exports dev.pipelab.overlapped;

    opens dev.pipelab.overlapped to
            com.google.guice; // Guice calls the factory's injected constructor

    provides dev.pipelab.api.inject.PipeEngineModule with
            dev.pipelab.overlapped.OverlappedModule;
}
