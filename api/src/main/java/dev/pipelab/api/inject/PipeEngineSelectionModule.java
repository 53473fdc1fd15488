package dev.pipelab.api.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provider;
import com.google.inject.Provides;
import com.google.inject.multibindings.MapBinder;
import dev.pipelab.api.PipeServerFactory;
import java.util.Map;
import java.util.TreeSet;

/**
 * Selects the engine whose key is configured: binds {@code @Strategy String} to that key and
 * provides the {@link PipeServerFactory} registered under it. The map is read through lazy
 * providers, so only the selected engine's factory is ever built; an unknown key fails with the
 * list of known ones.
 */
public final class PipeEngineSelectionModule extends AbstractModule {

    private final String configuredKey;

    /** Selects the engine called {@code configuredKey}. */
    public PipeEngineSelectionModule(String configuredKey) {
        this.configuredKey = configuredKey;
    }

    @Override
    protected void configure() {
        MapBinder.newMapBinder(binder(), String.class, PipeServerFactory.class); // the map exists even if empty
        bindConstant().annotatedWith(Strategy.class).to(configuredKey);
    }

    @Provides
    PipeServerFactory selectedFactory(@Strategy String key, Map<String, Provider<PipeServerFactory>> factories) {
        Provider<PipeServerFactory> factory = factories.get(key);
        if (factory == null) {
            throw new UnknownStrategyException(key, new TreeSet<>(factories.keySet()));
        }
        return factory.get();
    }
}
