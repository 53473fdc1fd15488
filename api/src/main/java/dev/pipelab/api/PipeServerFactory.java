package dev.pipelab.api;

import java.util.Optional;

/**
 * Makes servers of one engine. Engines register their factory under their key with Guice
 * ({@link dev.pipelab.api.inject.PipeEngineSelectionModule}); creating a server does no I/O.
 */
public interface PipeServerFactory {

    /** The engine's key, as used in configuration. */
    String key();

    /** Why this engine cannot run here, or empty when it can. */
    Optional<String> unavailabilityCause();

    /** Whether this engine's handler calls may overlap, so that shared handler state needs a lock. */
    HandlerConcurrency handlerConcurrency();

    /** True when this engine can run on this platform and JDK. */
    default boolean isAvailable() {
        return unavailabilityCause().isEmpty();
    }

    /**
     * A new, unstarted server.
     *
     * @throws UnsupportedOperationException with the cause, when the engine is not available
     */
    PipeServer create(PipeServerConfig config, PipeHandler handler);
}
