/**
 * PipeLab's API: servers, handlers, sessions, configuration, the client, the wire protocol's
 * codec and the Guice selection of engines. The packages under {@code dev.pipelab.spi} are the
 * seam between the engines and the operating systems, and what the engines share: they are
 * exported only to PipeLab's own engine and OS modules, not to applications.
 */
module dev.pipelab.api {
    requires transitive com.google.guice;
    requires java.management;
    requires jdk.management;
    requires org.slf4j;

    exports dev.pipelab.api;
    exports dev.pipelab.api.handler;
    exports dev.pipelab.api.inject;
    exports dev.pipelab.api.protocol;
    exports dev.pipelab.spi.os to
            dev.pipelab.os.unix,
            dev.pipelab.os.linux,
            dev.pipelab.os.windows,
            dev.pipelab.threaded,
            dev.pipelab.overlapped,
            dev.pipelab.completion,
            dev.pipelab.virtual;
    exports dev.pipelab.spi.engine to
            dev.pipelab.threaded,
            dev.pipelab.overlapped,
            dev.pipelab.completion,
            dev.pipelab.virtual;

    // Guice builds the default seam provider and calls the selection module's @Provides method.
    opens dev.pipelab.spi.os to
            com.google.guice;
    opens dev.pipelab.api.inject to
            com.google.guice;

    uses dev.pipelab.api.inject.PipeEngineModule;
    uses dev.pipelab.spi.os.PipeSystemProvider;
}
