package dev.pipelab.spi.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Of the OS seams found, the first available is taken; with none, the reasons are kept. */
class PipeSystemsTest {

    private final PipeSystemProvider available = new NamesOnlySeam();
    private final PipeSystemProvider windows = PipeSystems.unavailable("windows", "this is Linux, not Windows");

    @Test
    void takesTheAvailableSeamWhateverOrderTheyAreFoundIn() {
        assertThat(PipeSystems.select(List.of(windows, available))).isSameAs(available);
        assertThat(PipeSystems.select(List.of(available, windows))).isSameAs(available);
    }

    @Test
    void anEnginesStyleChoosesByThePreferenceForThatStyle() {
        PipeSystemProvider loopsFirst = new PipeSystemProvider() {
            @Override
            public String name() {
                return "loops-first";
            }

            @Override
            public Optional<String> unavailabilityCause() {
                return Optional.empty();
            }

            @Override
            public PipeSystem pipeSystem() {
                return available.pipeSystem();
            }

            @Override
            public int preference() {
                return 10;
            }

            @Override
            public int preference(IoStyle style) {
                return style == IoStyle.BLOCKING ? -10 : 10;
            }
        };
        List<PipeSystemProvider> found = List.of(available, loopsFirst, windows);

        assertThat(PipeSystems.select(found, IoStyle.OVERLAPPED)).isSameAs(loopsFirst);
        assertThat(PipeSystems.select(found, IoStyle.COMPLETION)).isSameAs(loopsFirst);
        assertThat(PipeSystems.select(found, IoStyle.BLOCKING)).isSameAs(available);
        assertThat(PipeSystems.select(found))
                .as("with no style, the general preference")
                .isSameAs(loopsFirst);
    }

    @Test
    void withNoneAvailableSaysWhyForEachOneFound() {
        PipeSystemProvider none = PipeSystems.select(
                List.of(windows, PipeSystems.unavailable("unix", "this is Windows, not a Unix system")));

        assertThat(none.isAvailable()).isFalse();
        assertThat(none.unavailabilityCause())
                .hasValue("unix: this is Windows, not a Unix system; windows: this is Linux, not Windows");
        assertThatThrownBy(none::pipeSystem)
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage(
                        "not available: unix: this is Windows, not a Unix system; windows: this is Linux, not Windows");
    }

    @Test
    void withNoneOnTheClassPathSaysWhichModuleToAdd() {
        assertThat(PipeSystems.select(List.of()).unavailabilityCause())
                .hasValueSatisfying(cause -> assertThat(cause)
                        .contains("no OS seam on the class path")
                        .contains("pipelab-os-unix")
                        .contains("pipelab-os-windows"));
    }

    @Test
    void theSeamPropertyPicksOneByNameEvenWhenAnotherIsAvailable() {
        PipeSystemProvider other = PipeSystems.of(new NamesOnlySeam().pipeSystem());

        assertThat(PipeSystems.select(List.of(available, other, windows), "names only, for the API's tests"))
                .isSameAs(other);
        assertThat(PipeSystems.select(List.of(available, windows), "windows")).isSameAs(windows);
    }

    @Test
    void aSeamPropertyNamingNoSeamFoundSaysWhichThereAre() {
        PipeSystemProvider none = PipeSystems.select(List.of(available, windows), "native");

        assertThat(none.isAvailable()).isFalse();
        assertThat(none.unavailabilityCause())
                .hasValue("pipelab.seam=native names no seam on the class path; there are [names-only, windows]");
    }

    @Test
    void findsTheSeamsOnTheClassPath() {
        assertThat(PipeSystems.select().name()).isEqualTo("names-only");
        assertThat(PipeSystems.found())
                .as("every seam found, in the order select() considers them")
                .extracting(PipeSystemProvider::name)
                .contains("names-only")
                .isSortedAccordingTo(java.util.Comparator.comparingInt(
                                (String n) -> -PipeSystems.named(n).preference())
                        .thenComparing(n -> n));
    }
}
