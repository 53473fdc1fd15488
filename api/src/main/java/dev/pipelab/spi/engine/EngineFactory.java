package dev.pipelab.spi.engine;

import dev.pipelab.api.HandlerConcurrency;
import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.spi.os.PipeSystem;
import dev.pipelab.spi.os.PipeSystemProvider;
import java.util.Objects;
import java.util.Optional;

/**
 * What every engine's factory is: a key, the way it calls handlers, the OS seam it runs on, and
 * the engine's constructor. Each engine module subclasses it in a few lines, so that Guice has
 * a class to bind. An engine runs wherever its seam does: where the seam is not available, the
 * factory says why and creates nothing.
 */
public abstract class EngineFactory implements PipeServerFactory {

    /** An engine's constructor. */
    @FunctionalInterface
    protected interface Constructor {
        PipeServer create(PipeServerConfig config, PipeHandler handler, PipeSystem pipes);
    }

    private final String key;
    private final HandlerConcurrency handlerConcurrency;
    private final PipeSystemProvider seam;
    private final Constructor constructor;

    protected EngineFactory(
            String key, HandlerConcurrency handlerConcurrency, PipeSystemProvider seam, Constructor constructor) {
        this.key = key;
        this.handlerConcurrency = handlerConcurrency;
        this.seam = Objects.requireNonNull(seam, "seam");
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
    public final Optional<String> unavailabilityCause() {
        return seam.unavailabilityCause();
    }

    @Override
    public final PipeServer create(PipeServerConfig config, PipeHandler handler) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(handler, "handler");
        unavailabilityCause().ifPresent(cause -> {
            throw new UnsupportedOperationException("the " + key + " engine is not available: " + cause);
        });
        return constructor.create(config, handler, seam.pipeSystem());
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + key + ", " + seam.name() + "]";
    }
}
