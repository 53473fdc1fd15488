package dev.pipelab.spi.os;

import com.google.inject.ProvidedBy;
import java.util.Optional;

/**
 * One operating system's implementation of the seam, as an OS module offers it through
 * {@link java.util.ServiceLoader}: it says whether it can run on this machine and, if not, why,
 * and hands out its {@link PipeSystem}. Finding a provider, and asking it, does no I/O and loads
 * no native code; only {@link #pipeSystem()} of an available provider may.
 *
 * <p>Guice injects the provider {@link PipeSystems#select()} picks; a test binds another.
 */
@ProvidedBy(PipeSystems.Selected.class)
public interface PipeSystemProvider {

    /**
     * A short name for logs, messages and the {@value PipeSystems#SEAM_PROPERTY} property:
     * {@code nio}, {@code native}, {@code windows}.
     */
    String name();

    /** True if a user naming {@code seam} means this one: its {@link #name()}, or an older name of it. */
    default boolean answersTo(String seam) {
        return name().equals(seam);
    }

    /**
     * Which seam is picked when several are available and none is named: the highest preference
     * wins (the native Linux seam's over the JDK channels', say), equal ones by name.
     */
    default int preference() {
        return 0;
    }

    /**
     * As {@link #preference()}, for an engine of {@code style}: a seam that serves one style
     * better than another says so here (the native Linux seam is ahead of NIO for the loops and,
     * today, behind it for the blocking engines). By default, {@link #preference()}.
     */
    default int preference(IoStyle style) {
        return preference();
    }

    /** Why this seam cannot run on this machine and JDK, or empty when it can. */
    Optional<String> unavailabilityCause();

    /** True when this seam can run here. */
    default boolean isAvailable() {
        return unavailabilityCause().isEmpty();
    }

    /**
     * The seam.
     *
     * @throws UnsupportedOperationException naming the cause, when it is not available
     */
    PipeSystem pipeSystem();
}
