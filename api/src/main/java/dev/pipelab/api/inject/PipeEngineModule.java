package dev.pipelab.api.inject;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.spi.os.IoStyle;

/**
 * The Guice module of one engine: it adds the engine's factory to the
 * {@code Map<String, PipeServerFactory>} under the engine's key, and nothing else. No I/O, no
 * threads, no conditions. Engines list their module in
 * {@code META-INF/services/dev.pipelab.api.inject.PipeEngineModule} so that
 * {@link PipeEngines#discover()} finds every engine on the class path.
 */
public abstract class PipeEngineModule extends AbstractModule {

    private final String key;
    private final IoStyle ioStyle;
    private final Class<? extends PipeServerFactory> factory;

    protected PipeEngineModule(String key, IoStyle ioStyle, Class<? extends PipeServerFactory> factory) {
        this.key = key;
        this.ioStyle = ioStyle;
        this.factory = factory;
    }

    /** The engine's key. */
    public final String key() {
        return key;
    }

    /** The seam's I/O style the engine uses: what the automatic choice of its seam goes by. */
    public final IoStyle ioStyle() {
        return ioStyle;
    }

    @Override
    protected final void configure() {
        MapBinder.newMapBinder(binder(), String.class, PipeServerFactory.class)
                .addBinding(key)
                .to(factory);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + key + "]";
    }
}
