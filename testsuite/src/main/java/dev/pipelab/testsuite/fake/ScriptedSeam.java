package dev.pipelab.testsuite.fake;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.spi.os.ClientEnd;
import dev.pipelab.spi.os.CompletionPipe;
import dev.pipelab.spi.os.NamedPipe;
import dev.pipelab.spi.os.OverlappedPipe;
import dev.pipelab.spi.os.PipeSystem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A scripted OS seam, to drive one engine's state machine a step at a time: the bookkeeping every
 * such fake shares, whatever its I/O style. It keeps the {@link CallLog}, the {@link ConnectQueue}
 * through which the test's {@link ScriptedClient}s connect, and the pipe and instances the engine
 * created, so that a test can check that each was closed.
 *
 * <p>A fake serves one style: it overrides that style's {@code create...Pipe}; the others refuse.
 */
public abstract class ScriptedSeam implements PipeSystem {

    protected final CallLog calls;
    protected final ConnectQueue connects;
    private final String style;
    // Guarded by the call log's lock.
    private final List<FakeInstance> instances = new ArrayList<>();
    private FakePipe pipe;

    /**
     * @param style the I/O style it serves, as in {@code "fake overlapped seam"}
     * @param loopThreadRule see {@link CallLog#CallLog(String)}
     */
    protected ScriptedSeam(String style, String loopThreadRule) {
        this.style = style;
        this.calls = new CallLog(loopThreadRule);
        this.connects = new ConnectQueue(calls);
    }

    // ---- the seam, as the engine sees it

    @Override
    public String describe() {
        return "fake " + style + " seam";
    }

    /** A scripted seam has no names of its own: whatever the test names is the address. */
    @Override
    public PipeAddress resolve(String spec) {
        return new PipeAddress(spec, PipeAddress.Kind.UNIX_SOCKET, false);
    }

    /** Its clients are the test's {@link ScriptedClient}s; see {@link #clientConnects}. */
    @Override
    public ClientEnd connectClient(PipeAddress address, Duration timeout) {
        throw new UnsupportedOperationException(
                "a scripted seam's clients connect with clientConnects, not over a pipe");
    }

    @Override
    public NamedPipe createNamedPipe(PipeServerConfig config) {
        throw servesOneStyleOnly();
    }

    @Override
    public OverlappedPipe createOverlappedPipe(PipeServerConfig config) {
        throw servesOneStyleOnly();
    }

    @Override
    public CompletionPipe createCompletionPipe(PipeServerConfig config) {
        throw servesOneStyleOnly();
    }

    private UnsupportedOperationException servesOneStyleOnly() {
        return new UnsupportedOperationException("this fake serves the " + style + " style only");
    }

    /** Keeps the pipe the engine created: one fake seam per server. */
    protected <P extends FakePipe> P pipeCreated(P created) {
        return calls.locked(() -> {
            if (pipe != null) {
                throw new IllegalStateException("one fake seam per server");
            }
            pipe = created;
            return created;
        });
    }

    /** Under the lock: the instance the engine creates, numbered in order of creation, and logged. */
    protected <I extends FakeInstance> I instanceCreated(IntFunction<I> numbered) {
        I instance = numbered.apply(instances.size());
        instances.add(instance);
        calls.record("createInstance -> #" + instance.number());
        return instance;
    }

    // ---- the script, as the test plays it

    /** A client connects; see {@link ConnectQueue}. */
    public ScriptedClient clientConnects(String name) {
        return connects.clientConnects(name);
    }

    // ---- what happened

    /** Every entry of the log so far, in order. */
    public List<String> log() {
        return calls.entries();
    }

    /** The entries about instance {@code number}, in order, without the {@code "#n "} prefix. */
    public List<String> callsOn(int number) {
        return calls.callsOn(number);
    }

    /** Calls that broke the seam's rules (wrong thread, a second outstanding operation, ...). */
    public List<String> violations() {
        return calls.violations();
    }

    /** How many instances the engine created. */
    public int instancesCreated() {
        return calls.locked(instances::size);
    }

    /** The instances, and the pipe, the engine has not closed. */
    public List<String> unclosed() {
        return calls.locked(() -> {
            List<String> open = new ArrayList<>();
            instances.stream().filter(i -> !i.closed).forEach(i -> open.add("#" + i.number));
            if (pipe != null && !pipe.isClosed()) {
                open.add("the pipe");
            }
            return open;
        });
    }

    /** The log, numbered, and every rule broken: for failure messages. */
    public String describeCalls() {
        return calls.describe();
    }
}
