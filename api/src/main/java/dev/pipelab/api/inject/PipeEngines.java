package dev.pipelab.api.inject;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.spi.os.IoStyle;
import dev.pipelab.spi.os.PipeSystemProvider;
import dev.pipelab.spi.os.PipeSystems;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/** Finds the engines on the class path and wires them with Guice. */
public final class PipeEngines {

    /** The engines' keys in the order the documentation and reports list them. */
    public static final List<String> CANONICAL_ORDER = List.of("threaded", "overlapped", "completion", "virtual");

    private PipeEngines() {}

    /** Every engine module on the class path, in canonical order. */
    public static List<PipeEngineModule> discover() {
        List<PipeEngineModule> modules = new ArrayList<>();
        ServiceLoader.load(PipeEngineModule.class, PipeEngines.class.getClassLoader())
                .forEach(modules::add);
        modules.sort(
                Comparator.comparingInt((PipeEngineModule m) -> rank(m.key())).thenComparing(PipeEngineModule::key));
        return modules;
    }

    /** The keys of every engine on the class path, in canonical order. */
    public static List<String> keys() {
        return discover().stream().map(PipeEngineModule::key).toList();
    }

    /** An injector with every discovered engine and {@code strategy} selected. */
    public static Injector injector(String strategy, Module... more) {
        List<Module> modules = new ArrayList<>(discover());
        modules.add(new PipeEngineSelectionModule(strategy));
        modules.addAll(List.of(more));
        return Guice.createInjector(modules);
    }

    /**
     * The factory of the engine called {@code strategy}, wired by Guice over the seam this machine
     * prefers for the engine's I/O style ({@link dev.pipelab.spi.os.PipeSystems#select(IoStyle)}).
     */
    public static PipeServerFactory factory(String strategy) {
        Optional<IoStyle> style = ioStyle(strategy);
        return style.isPresent()
                ? factory(strategy, PipeSystems.select(style.get()))
                : factoryOf(injector(strategy)); // which says the strategy is unknown
    }

    /** The I/O style of the engine called {@code strategy}, if it is on the class path. */
    public static Optional<IoStyle> ioStyle(String strategy) {
        return discover().stream()
                .filter(m -> m.key().equals(strategy))
                .map(PipeEngineModule::ioStyle)
                .findFirst();
    }

    /**
     * The factory of the engine called {@code strategy}, wired by Guice over the OS seam
     * {@code seam} instead of the one {@link dev.pipelab.spi.os.PipeSystems#select()} picks.
     */
    public static PipeServerFactory factory(String strategy, PipeSystemProvider seam) {
        return factoryOf(injector(
                strategy, binder -> binder.bind(PipeSystemProvider.class).toInstance(seam)));
    }

    private static PipeServerFactory factoryOf(Injector injector) {
        try {
            return injector.getInstance(PipeServerFactory.class);
        } catch (com.google.inject.ProvisionException e) {
            if (e.getCause() instanceof UnknownStrategyException unknown) {
                throw unknown;
            }
            throw e;
        }
    }

    /** Every discovered factory by key. */
    public static Map<String, PipeServerFactory> factories() {
        List<Module> modules = new ArrayList<>(discover());
        modules.add(binder -> MapBinder.newMapBinder(binder, String.class, PipeServerFactory.class));
        return Guice.createInjector(modules).getInstance(Key.get(new TypeLiteral<Map<String, PipeServerFactory>>() {}));
    }

    private static int rank(String key) {
        int i = CANONICAL_ORDER.indexOf(key);
        return i < 0 ? CANONICAL_ORDER.size() : i;
    }
}
