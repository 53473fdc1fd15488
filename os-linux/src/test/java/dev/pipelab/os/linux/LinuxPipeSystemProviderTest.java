package dev.pipelab.os.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelab.os.unix.UnixPipeSystemProvider;
import dev.pipelab.spi.os.IoStyle;
import dev.pipelab.spi.os.PipeSystemProvider;
import dev.pipelab.spi.os.PipeSystems;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where the native seam can run, and that it is then preferred; where not, that it says why
 * without loading a class of the foreign-function API (this test is compiled for release 21).
 */
class LinuxPipeSystemProviderTest {

    @Test
    void onJdk21ItNeedsJdk22AndLoadsNothing() {
        PipeSystemProvider jdk21 = new LinuxPipeSystemProvider("Linux", "amd64", 21);

        assertThat(jdk21.unavailabilityCause()).hasValue("needs JDK 22+ (java.lang.foreign); this is JDK 21");
        assertThatThrownBy(jdk21::pipeSystem)
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("the native seam is not available: needs JDK 22+ (java.lang.foreign); this is JDK 21");
    }

    @Test
    void itIsLinuxOnlyAndX86OrArmOnly() {
        assertThat(new LinuxPipeSystemProvider("Mac OS X", "aarch64", 25).unavailabilityCause())
                .hasValue("Linux only (this is Mac OS X)");
        assertThat(new LinuxPipeSystemProvider("Windows 11", "amd64", 25).unavailabilityCause())
                .hasValue("Linux only (this is Windows 11)");
        assertThat(new LinuxPipeSystemProvider("Linux", "riscv64", 25).unavailabilityCause())
                .hasValue("x86-64 or aarch64 only (this is riscv64)");
        assertThat(new LinuxPipeSystemProvider("Linux", "aarch64", 22).unavailabilityCause())
                .isEmpty();
        assertThat(new LinuxPipeSystemProvider("Linux", "x86_64", 22).unavailabilityCause())
                .isEmpty();
    }

    @Test
    void whereBothCanRunTheNativeSeamIsPickedWhateverTheOrder() {
        PipeSystemProvider nativeSeam = new LinuxPipeSystemProvider("Linux", "amd64", 22);
        PipeSystemProvider nio = new UnixPipeSystemProvider();

        assertThat(PipeSystems.select(List.of(nio, nativeSeam))).isSameAs(nativeSeam);
        assertThat(PipeSystems.select(List.of(nativeSeam, nio))).isSameAs(nativeSeam);
    }

    @Test
    void whereBothCanRunTheLoopsTakeTheNativeSeamAndTheBlockingEnginesNio() {
        PipeSystemProvider nativeSeam = new LinuxPipeSystemProvider("Linux", "amd64", 22);
        PipeSystemProvider nio = new UnixPipeSystemProvider();
        List<PipeSystemProvider> found = List.of(nio, nativeSeam);

        assertThat(PipeSystems.select(found, IoStyle.OVERLAPPED)).isSameAs(nativeSeam);
        assertThat(PipeSystems.select(found, IoStyle.COMPLETION)).isSameAs(nativeSeam);
        assertThat(PipeSystems.select(found, IoStyle.BLOCKING))
                .as("threaded and virtual measure faster on the JDK's channels")
                .isSameAs(nio);
        assertThat(PipeSystems.select(List.of(nativeSeam), IoStyle.BLOCKING))
                .as("and run on the native seam where it is the only one")
                .isSameAs(nativeSeam);
    }

    @Test
    void onJdk21TheNioSeamServes() {
        PipeSystemProvider nio = new UnixPipeSystemProvider();

        assertThat(PipeSystems.select(List.of(new LinuxPipeSystemProvider("Linux", "amd64", 21), nio)))
                .isSameAs(nio);
    }

    @Test
    void eachSeamIsPickedByItsNameAndTheNioSeamByItsOldNameToo() {
        PipeSystemProvider nativeSeam = new LinuxPipeSystemProvider("Linux", "amd64", 22);
        PipeSystemProvider nio = new UnixPipeSystemProvider();
        List<PipeSystemProvider> both = List.of(nativeSeam, nio);

        assertThat(PipeSystems.select(both, "nio")).isSameAs(nio);
        assertThat(PipeSystems.select(both, "unix")).isSameAs(nio);
        assertThat(PipeSystems.select(both, "native")).isSameAs(nativeSeam);
    }

    @Test
    void namingTheNativeSeamWhereItCannotRunSaysWhy() {
        PipeSystemProvider chosen = PipeSystems.select(
                List.of(new LinuxPipeSystemProvider("Linux", "amd64", 21), new UnixPipeSystemProvider()), "native");

        assertThat(chosen.isAvailable()).isFalse();
        assertThat(chosen.unavailabilityCause()).hasValue("needs JDK 22+ (java.lang.foreign); this is JDK 21");
    }
}
