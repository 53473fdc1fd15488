package dev.pipelab.testsuite.fake;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;

/**
 * The failures a test scripted for a fake seam's calls: the next call of a kind fails at once,
 * as a Win32 call that returns an error instead of ERROR_IO_PENDING. Guarded by the fake's lock.
 *
 * @param <C> the fake's calls that can fail
 */
public final class ScriptedFailures<C extends Enum<C>> {

    private final Map<C, Deque<IOException>> byCall;

    public ScriptedFailures(Class<C> calls) {
        this.byCall = new EnumMap<>(calls);
    }

    /** The next {@code call}, on whichever instance, fails at once with {@code failure}. */
    public void failNext(C call, IOException failure) {
        byCall.computeIfAbsent(call, c -> new ArrayDeque<>()).add(failure);
    }

    /** The failure scripted for this {@code call}, used up; null if none is. */
    public IOException next(C call) {
        Deque<IOException> failures = byCall.get(call);
        return failures == null ? null : failures.poll();
    }
}
