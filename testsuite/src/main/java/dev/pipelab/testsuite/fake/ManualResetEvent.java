package dev.pipelab.testsuite.fake;

import dev.pipelab.spi.os.PipeEvent;

/**
 * A fake seam's manual-reset event: it stays set until reset, and records the engine's
 * {@code set} and {@code reset}, which are allowed from any thread, as SetEvent and ResetEvent
 * are. The fake itself sets it with {@link #signal} when an operation finishes and clears it with
 * {@link #clear} when one starts, without a log line: those are the OS's doing, not the engine's.
 */
public final class ManualResetEvent implements PipeEvent {

    private final CallLog calls;
    private final String label;
    private final Runnable touched;
    private volatile boolean set; // read unlocked by the engine's isSet

    /**
     * @param label the log line's prefix: {@code "#0 "} for an instance's event, or empty
     * @param touched runs, under the lock, whenever the engine sets or resets the event
     */
    public ManualResetEvent(CallLog calls, String label, boolean initiallySet, Runnable touched) {
        this.calls = calls;
        this.label = label;
        this.set = initiallySet;
        this.touched = touched;
    }

    @Override
    public void set() {
        calls.locked(() -> {
            setByEngine("event.set");
            signal();
        });
    }

    @Override
    public void reset() {
        calls.locked(() -> {
            setByEngine("event.reset");
            clear();
        });
    }

    private void setByEngine(String call) {
        touched.run();
        calls.record(label + call + calls.offLoop());
    }

    @Override
    public boolean isSet() {
        return set;
    }

    /** Under the lock: an operation finished; a waiting loop sees it. */
    public void signal() {
        set = true;
        calls.signalChange();
    }

    /** Under the lock: starting an overlapped operation resets its event. */
    public void clear() {
        set = false;
    }
}
