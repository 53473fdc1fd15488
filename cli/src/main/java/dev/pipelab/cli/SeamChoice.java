package dev.pipelab.cli;

import dev.pipelab.api.inject.PipeEngines;
import dev.pipelab.spi.os.PipeSystemProvider;
import dev.pipelab.spi.os.PipeSystems;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The OS seam a command runs its engines on, as the user chose it: {@code --seam}, else
 * {@value #ENV}, else (for {@code serve}) the config file's {@code seam}, else the automatic
 * choice for the engine's I/O style, {@link PipeSystems#select(dev.pipelab.spi.os.IoStyle)} (the
 * {@code pipelab.seam} system property, else the available seam that style prefers). The chosen provider is handed to the engine's factory
 * ({@code PipeEngines.factory(key, seam)}) instead of the global default, so the seam a command
 * prints is the one its engine runs on.
 */
final class SeamChoice {

    /** The environment variable naming the seam. */
    static final String ENV = "PIPELAB_SEAM";

    private SeamChoice() {}

    /** A seam the user named that is unknown here; a usage error. */
    static final class UnknownSeamException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnknownSeamException(String message) {
            super(message);
        }
    }

    /** A seam the user named that is on the class path but cannot run here; a failure like an unavailable engine. */
    static final class UnavailableSeamException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        UnavailableSeamException(String message) {
            super(message);
        }
    }

    /**
     * The seam for the engine called {@code strategy}: the first of {@code choices} that is given
     * (not null or blank), resolved to its seam; when none is, the seam this machine prefers for
     * that engine's I/O style (the general one for an unknown engine, which its factory then
     * reports).
     *
     * @throws UnknownSeamException when it names no seam on the class path
     * @throws UnavailableSeamException when the seam it names cannot run here, with the cause
     */
    static PipeSystemProvider chooseFor(String strategy, String... choices) {
        for (String choice : choices) {
            if (choice != null && !choice.isBlank()) {
                return named(choice.strip());
            }
        }
        return PipeEngines.ioStyle(strategy).map(PipeSystems::select).orElseGet(PipeSystems::select);
    }

    /** The seam called {@code wanted}, which must be on the class path and able to run here. */
    static PipeSystemProvider named(String wanted) {
        return named(PipeSystems.found(), wanted);
    }

    /** The one of {@code found} called {@code wanted}, which must be able to run here. */
    static PipeSystemProvider named(List<PipeSystemProvider> found, String wanted) {
        if (found.stream().noneMatch(p -> p.answersTo(wanted))) {
            throw new UnknownSeamException("unknown seam '" + wanted + "'; seams on the class path: "
                    + found.stream()
                            .map(p -> p.isAvailable()
                                    ? p.name()
                                    : p.name() + " (not available: "
                                            + p.unavailabilityCause().orElseThrow() + ")")
                            .collect(Collectors.joining(", ")));
        }
        PipeSystemProvider seam = PipeSystems.select(found, wanted);
        if (!seam.isAvailable()) {
            throw new UnavailableSeamException("seam " + seam.name() + ": not available: "
                    + seam.unavailabilityCause().orElseThrow() + "; seams that can run here: "
                    + runnable(found).stream().map(PipeSystemProvider::name).collect(Collectors.joining(", ")));
        }
        return seam;
    }

    /** Those of {@code found} that can run here, in its order (the preferred first, as {@link PipeSystems#found()} gives them). */
    static List<PipeSystemProvider> runnable(List<PipeSystemProvider> found) {
        return found.stream().filter(PipeSystemProvider::isAvailable).toList();
    }
}
