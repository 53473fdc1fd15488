package dev.pipelab.testsuite.fake;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * What a fake seam records, and the one lock that guards it together with the rest of the fake.
 *
 * <p>The log has one line per call of the engine, in order: the instance, the call and what the
 * seam answered ({@code "#0 read -> pending"}). Calls that break the seam's rules are kept apart
 * as violations. The engine calls the fake from its loop thread while the test thread scripts,
 * so the fake takes this lock for every step, and a wait of the fake blocks on its condition
 * until the test scripts something.
 */
public final class CallLog {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final String loopThreadRule;
    // Guarded by lock.
    private final List<String> entries = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private volatile Thread loop; // the first thread that calls the seam; read unlocked by isLoopThread

    /**
     * @param loopThreadRule what only the loop thread may do and why, as it follows the loop
     *     thread's name in a violation ({@code ", which waits, may use the instances"})
     */
    public CallLog(String loopThreadRule) {
        this.loopThreadRule = loopThreadRule;
    }

    // ---- the lock

    /** Runs {@code action} under the lock. */
    public <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code action} under the lock. */
    public void locked(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    /** A step of the seam that fails as the OS call it stands for does. */
    @FunctionalInterface
    public interface IoStep<T> {
        T run() throws IOException;
    }

    /** A step of the seam that returns nothing and fails as the OS call it stands for does. */
    @FunctionalInterface
    public interface VoidIoStep {
        void run() throws IOException;
    }

    /** Runs {@code step} under the lock. */
    public <T> T lockedIo(IoStep<T> step) throws IOException {
        lock.lock();
        try {
            return step.run();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code step} under the lock. */
    public void lockedIo(VoidIoStep step) throws IOException {
        lock.lock();
        try {
            step.run();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under the lock: the wait of {@code call} blocks at most {@code nanos} for {@link #signalChange};
     * returns the nanos left.
     */
    @SuppressWarnings("WaitNotInLoop") // the caller loops: it checks its condition, then waits the nanos left
    public long awaitChange(long nanos, String call) throws InterruptedIOException {
        try {
            return changed.awaitNanos(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted in " + call);
        }
    }

    /** Under the lock: something a waiting loop may be looking for has happened. */
    public void signalChange() {
        changed.signalAll();
    }

    // ---- recording, under the lock

    public void record(String entry) {
        entries.add(entry);
    }

    /** Binds the loop thread on first use; a call from any other thread breaks the seam's rule. */
    public void onLoopThread(String call) {
        Thread me = Thread.currentThread();
        if (loop == null) {
            loop = me;
        } else if (loop != me) {
            throw violation(call + " on thread " + me.getName() + "; only " + loop.getName() + loopThreadRule);
        }
    }

    /** True on the loop thread. */
    public boolean isLoopThread() {
        return Thread.currentThread() == loop;
    }

    /** The suffix for a call the seam allows from any thread, made off the loop thread. */
    public String offLoop() {
        return isLoopThread() ? "" : " (off the loop)";
    }

    /** Records that a call broke the seam's rules, and returns the exception to throw at the engine. */
    public IllegalStateException violation(String what) {
        violations.add(what);
        return new IllegalStateException(what);
    }

    /** How a failure shows in the log: {@code "EOFException"}. */
    public static String name(IOException e) {
        return e.getClass().getSimpleName();
    }

    // ---- what happened

    /** Every entry so far, in order. */
    public List<String> entries() {
        return locked(() -> List.copyOf(entries));
    }

    /** The entries about instance {@code number}, in order, without the {@code "#n "} prefix. */
    public List<String> callsOn(int number) {
        String prefix = "#" + number + " ";
        return locked(() -> entries.stream()
                .filter(e -> e.startsWith(prefix))
                .map(e -> e.substring(prefix.length()))
                .toList());
    }

    /** Calls that broke the seam's rules (wrong thread, a second outstanding operation, ...). */
    public List<String> violations() {
        return locked(() -> List.copyOf(violations));
    }

    /** The log, numbered, and every rule broken: for failure messages. */
    public String describe() {
        return locked(() -> {
            StringBuilder s = new StringBuilder("seam calls:\n");
            for (int i = 0; i < entries.size(); i++) {
                s.append(String.format("%4d  %s%n", i + 1, entries.get(i)));
            }
            if (!violations.isEmpty()) {
                s.append("violations: ").append(violations).append('\n');
            }
            return s.toString();
        });
    }
}
