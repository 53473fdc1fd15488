package dev.pipelab.report;

import dev.pipelab.api.PipeAddress;
import java.util.Locale;

/**
 * The two load drivers of {@code compare}, by the name {@code --driver} takes; how each reaches
 * the server is its {@link ClientTransport}.
 */
public enum LoadDriver {
    /**
     * Every client on one thread and one Selector over non-blocking AF_UNIX channels: cheap beside
     * the server, what the report has always measured, and the default where pipes are AF_UNIX.
     */
    SELECTOR,
    /**
     * A virtual thread per client over the OS seam's client end: runs wherever PipeLab has a seam
     * (on Windows, named pipes), the default where pipes are not AF_UNIX; heavier itself, so its
     * figures are lower than the selector's and comparable only with its own.
     */
    THREADS;

    /** The name {@code --driver} takes. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The driver {@code key} names. */
    public static LoadDriver parse(String key) {
        for (LoadDriver d : values()) {
            if (d.key().equals(key.strip())) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown driver '" + key + "'; known: selector, threads");
    }

    /** The driver used where pipes are of kind {@code pipes}: the selector only where they are AF_UNIX sockets. */
    public static LoadDriver defaultFor(PipeAddress.Kind pipes) {
        return pipes == PipeAddress.Kind.UNIX_SOCKET ? SELECTOR : THREADS;
    }

    /** Null when this driver can reach pipes of kind {@code pipes}, else why not. */
    public String cannotReach(PipeAddress.Kind pipes) {
        return this == SELECTOR && pipes != PipeAddress.Kind.UNIX_SOCKET
                ? "the selector driver's clients are AF_UNIX sockets, and this system's pipes are not;"
                        + " use --driver threads"
                : null;
    }
}
