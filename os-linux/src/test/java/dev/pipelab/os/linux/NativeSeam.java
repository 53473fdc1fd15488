package dev.pipelab.os.linux;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pipelab.spi.os.PipeSystemProvider;
import dev.pipelab.spi.os.PipeSystems;

/** What this module's suites share: the native seam, and skipping with its reason where it cannot run. */
final class NativeSeam {

    static final PipeSystemProvider PROVIDER = new LinuxPipeSystemProvider();

    private NativeSeam() {}

    /**
     * Skips the calling test, naming the cause, unless the native seam can run here and is the
     * one this JVM's servers and clients use ({@code pipelab.seam=native}, as the build sets it).
     */
    static void assumeSelected() {
        assumeTrue(
                PROVIDER.isAvailable(),
                () -> "the native seam cannot run here: "
                        + PROVIDER.unavailabilityCause().orElseThrow());
        assumeTrue(
                PipeSystems.select().name().equals(LinuxPipeSystemProvider.NAME),
                () -> "this JVM's seam is " + PipeSystems.select() + "; run with -D" + PipeSystems.SEAM_PROPERTY
                        + "=native (the build does)");
    }
}
