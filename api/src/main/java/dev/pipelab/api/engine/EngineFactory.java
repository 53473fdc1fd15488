package dev.pipelab.api.engine;

import dev.pipelab.api.HandlerConcurrency;
import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.api.os.PipeSystem;
import java.util.Objects;
import java.util.Optional;

/**
 * What every engine's factory is: a key, the way it calls handlers, the OS seam it runs on, and
 * the engine's constructor. Each engine module subclasses it in a few lines, so that Guice has
 * a class to bind.
 */
public abstract class EngineFactory implements PipeServerFactory {

    /** An engine's constructor. */
    @FunctionalInterface
    protected interface Constructor {
        PipeServer create(PipeServerConfig config, PipeHandler handler, PipeSystem pipes);
    }

    private final String key;
    private final HandlerConcurrency handlerConcurrency;
    private final PipeSystem pipes;
    private final Constructor constructor;

    protected EngineFactory(String key, HandlerConcurrency handlerConcurrency, PipeSystem pipes,
            Constructor constructor) {
        this.key = key;
        this.handlerConcurrency = handlerConcurrency;
        this.pipes = Objects.requireNonNull(pipes, "pipes");
        this.constructor = constructor;
    }

    @Override
    public final String key() {
        return key;
    }

    @Override
    public final HandlerConcurrency handlerConcurrency() {
        return handlerConcurrency;
    }

    @Override
    public Optional<String> unavailabilityCause() {
        return Optional.empty(); // every engine runs wherever the OS seam does
    }

    @Override
    public final PipeServer create(PipeServerConfig config, PipeHandler handler) {
        unavailabilityCause().ifPresent(cause -> {
            throw new UnsupportedOperationException("the " + key + " engine cannot run here: " + cause);
        });
        return constructor.create(Objects.requireNonNull(config, "config"), Objects.requireNonNull(handler, "handler"),
                pipes);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + key + ", " + pipes.describe() + "]";
    }
}
