package dev.pipelab.api.inject;

import java.util.Set;

/** A configured engine key that no engine module registered. */
public final class UnknownStrategyException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String key;
    private final transient Set<String> known;

    public UnknownStrategyException(String key, Set<String> known) {
        super("unknown strategy '" + key + "'; known strategies: " + String.join(", ", known));
        this.key = key;
        this.known = Set.copyOf(known);
    }

    /** The key that was asked for. */
    public String key() {
        return key;
    }

    /** The keys that exist. */
    public Set<String> known() {
        return known;
    }
}
