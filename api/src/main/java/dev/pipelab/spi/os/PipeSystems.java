package dev.pipelab.spi.os;

import com.google.inject.Provider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Picks the OS seam: of the {@link PipeSystemProvider}s on the class path (or module path), the
 * available one of highest {@link PipeSystemProvider#preference() preference} (equal ones by
 * name); or the one the system property {@value #SEAM_PROPERTY} names. When none is, the result
 * is a provider that is unavailable and says why, for every one it found, so that an engine
 * reports "not available: ..." instead of failing later.
 */
public final class PipeSystems {

    /** The system property that names the seam to use, when more than one could run. */
    public static final String SEAM_PROPERTY = "pipelab.seam";

    private PipeSystems() {}

    /**
     * The seam for this machine, chosen once, by {@link PipeSystemProvider#preference()}: what the
     * client's end and address resolution use, and an engine whose style is not known.
     */
    public static PipeSystemProvider select() {
        return Found.SELECTED;
    }

    /**
     * The seam for an engine of {@code style} on this machine, chosen once per style: the one
     * {@value #SEAM_PROPERTY} names, else the available one of highest
     * {@link PipeSystemProvider#preference(IoStyle) preference for that style}.
     */
    public static PipeSystemProvider select(IoStyle style) {
        return Found.BY_STYLE.get(Objects.requireNonNull(style, "style"));
    }

    /**
     * Every seam on the class path, available or not, in the order {@link #select()} considers
     * them: highest {@link PipeSystemProvider#preference() preference} first, equal ones by name.
     * What a user may name, and what {@code compare} runs its rows on.
     */
    public static List<PipeSystemProvider> found() {
        return byPreference(Found.all());
    }

    /**
     * The seam on the class path called {@code wanted} (as a user names it: {@code --seam},
     * {@code PIPELAB_SEAM}, the config key {@code seam}); an unavailable provider saying why if
     * it cannot run here or there is none of that name.
     */
    public static PipeSystemProvider named(String wanted) {
        return select(Found.all(), wanted);
    }

    /**
     * The one of {@code found} called {@code wanted}, if it is available; otherwise an unavailable
     * provider saying why.
     */
    public static PipeSystemProvider select(List<PipeSystemProvider> found, String wanted) {
        for (PipeSystemProvider p : found) {
            if (p.answersTo(wanted)) {
                return p;
            }
        }
        List<String> names =
                found.stream().map(PipeSystemProvider::name).sorted().toList();
        return unavailable(
                wanted, SEAM_PROPERTY + "=" + wanted + " names no seam on the class path; there are " + names);
    }

    /**
     * The available one of {@code found} of highest preference, equal ones by name; or an
     * unavailable provider naming each cause.
     */
    public static PipeSystemProvider select(List<PipeSystemProvider> found) {
        return firstAvailable(byPreference(found));
    }

    /**
     * The available one of {@code found} of highest preference for {@code style}, equal ones by
     * name; or an unavailable provider naming each cause.
     */
    public static PipeSystemProvider select(List<PipeSystemProvider> found, IoStyle style) {
        return firstAvailable(byPreference(found, p -> p.preference(style)));
    }

    /** The first available of {@code sorted}; or an unavailable provider naming each cause. */
    private static PipeSystemProvider firstAvailable(List<PipeSystemProvider> sorted) {
        for (PipeSystemProvider p : sorted) {
            if (p.isAvailable()) {
                return p;
            }
        }
        if (sorted.isEmpty()) {
            return unavailable(
                    "none",
                    "no OS seam on the class path: add pipelab-os-unix (Linux, macOS) or pipelab-os-windows (Windows)");
        }
        List<String> causes = sorted.stream()
                .map(p -> p.name() + ": " + p.unavailabilityCause().orElseThrow())
                .toList();
        return unavailable("none", String.join("; ", causes));
    }

    private static List<PipeSystemProvider> byPreference(List<PipeSystemProvider> found) {
        return byPreference(found, PipeSystemProvider::preference);
    }

    private static List<PipeSystemProvider> byPreference(
            List<PipeSystemProvider> found, ToIntFunction<PipeSystemProvider> preference) {
        List<PipeSystemProvider> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparingInt(preference).reversed().thenComparing(PipeSystemProvider::name));
        return sorted;
    }

    /** A provider that always offers {@code seam}: for tests and for scripted seams. */
    public static PipeSystemProvider of(PipeSystem seam) {
        Objects.requireNonNull(seam, "seam");
        return new PipeSystemProvider() {
            @Override
            public String name() {
                return seam.describe();
            }

            @Override
            public Optional<String> unavailabilityCause() {
                return Optional.empty();
            }

            @Override
            public PipeSystem pipeSystem() {
                return seam;
            }

            @Override
            public String toString() {
                return name();
            }
        };
    }

    /** A provider that is never available, for {@code cause}. */
    public static PipeSystemProvider unavailable(String name, String cause) {
        return new PipeSystemProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<String> unavailabilityCause() {
                return Optional.of(cause);
            }

            @Override
            public PipeSystem pipeSystem() {
                throw new UnsupportedOperationException("not available: " + cause);
            }

            @Override
            public String toString() {
                return name + " (not available: " + cause + ")";
            }
        };
    }

    /** Guice's default {@link PipeSystemProvider}. */
    static final class Selected implements Provider<PipeSystemProvider> {
        @Override
        public PipeSystemProvider get() {
            return select();
        }
    }

    private static final class Found {
        static final PipeSystemProvider SELECTED = selected(PipeSystems::select);
        static final Map<IoStyle, PipeSystemProvider> BY_STYLE = byStyle();

        /** The seam {@value #SEAM_PROPERTY} names, else the one {@code byPreference} picks of those found. */
        private static PipeSystemProvider selected(
                Function<List<PipeSystemProvider>, PipeSystemProvider> byPreference) {
            List<PipeSystemProvider> found = all();
            String wanted = System.getProperty(SEAM_PROPERTY, "").strip();
            return wanted.isEmpty() ? byPreference.apply(found) : select(found, wanted);
        }

        private static Map<IoStyle, PipeSystemProvider> byStyle() {
            Map<IoStyle, PipeSystemProvider> chosen = new EnumMap<>(IoStyle.class);
            for (IoStyle style : IoStyle.values()) {
                chosen.put(style, selected(found -> select(found, style)));
            }
            return chosen;
        }

        static List<PipeSystemProvider> all() {
            return ServiceLoader.load(PipeSystemProvider.class, PipeSystems.class.getClassLoader()).stream()
                    .map(ServiceLoader.Provider::get)
                    .toList();
        }
    }
}
