package dev.pipelab.overlapped;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.spi.os.OperationAbortedException;
import dev.pipelab.spi.os.OverlappedInstance;
import dev.pipelab.spi.os.OverlappedPipe;
import dev.pipelab.spi.os.PipeEvent;
import dev.pipelab.testsuite.fake.CallLog;
import dev.pipelab.testsuite.fake.ConnectQueue;
import dev.pipelab.testsuite.fake.FakeInstance;
import dev.pipelab.testsuite.fake.FakePipe;
import dev.pipelab.testsuite.fake.ManualResetEvent;
import dev.pipelab.testsuite.fake.ScriptedClient;
import dev.pipelab.testsuite.fake.ScriptedFailures;
import dev.pipelab.testsuite.fake.ScriptedSeam;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A scripted OS seam in the overlapped style, to drive {@link OverlappedPipeServer}'s state
 * machine one step at a time.
 *
 * <p>It records every call the engine makes in its {@link CallLog} ({@code "#0 read -> pending"},
 * {@code "#0 getOverlappedResult -> EOFException"}); the test plays the clients
 * ({@link ScriptedClient}). The rules are those of {@code UnixOverlappedPipe} and of the Win32
 * calls it stands for: one operation outstanding per instance; a manual-reset event per instance
 * that starting an operation resets and finishing it (at once or later) sets; a pending connect
 * that a client completes in the order the connects were started ({@link ConnectQueue});
 * {@code stopAccepting} fails the pending connects; and a wait that reports the lowest signalled
 * index at or after {@code first}, wrapping, over the instances' events followed by the wake
 * event.
 *
 * <p>The wait blocks on the log's lock, for at most the timeout the engine passes, until the test
 * scripts something.
 */
final class FakePipeSystem extends ScriptedSeam {

    /** Calls a test can make fail at once, as a Win32 call that returns an error other than ERROR_IO_PENDING. */
    enum Call {
        CONNECT,
        READ,
        /** A write of a message or of an error frame. */
        WRITE,
        FLUSH
    }

    /**
     * One return of the wait that reported an instance.
     *
     * @param first where the engine asked the scan to start
     * @param signalled the instances whose events were set at that moment
     * @param served the instance reported
     */
    record Wait(int first, List<Integer> signalled, int served) {}

    private enum Operation {
        NONE,
        CONNECT,
        READ,
        WRITE,
        FLUSH
    }

    // Guarded by the call log's lock.
    private final ScriptedFailures<Call> scriptedFailures = new ScriptedFailures<>(Call.class);
    private final List<Wait> waits = new ArrayList<>();
    private final List<String> spins = new ArrayList<>();

    FakePipeSystem() {
        super("overlapped", ", which waits, may use the instances");
    }

    @Override
    public OverlappedPipe createOverlappedPipe(PipeServerConfig config) {
        return pipeCreated(new Pipe(config.address()));
    }

    /** The next {@code call}, on whichever instance, fails at once with {@code failure}. */
    void failNext(Call call, IOException failure) {
        calls.locked(() -> scriptedFailures.failNext(call, failure));
    }

    // ---- what happened

    /** Every return of the wait that reported an instance, in order. */
    List<Wait> waits() {
        return calls.locked(() -> List.copyOf(waits));
    }

    /**
     * Instances the wait reported again although the engine had called nothing on them since it
     * last reported them: their event stays set, so on Windows every later wait would return at
     * once and the loop would spin.
     */
    List<String> spins() {
        return calls.locked(() -> List.copyOf(spins));
    }

    /** The log, numbered, every rule broken and every spin: for failure messages. */
    @Override
    public String describeCalls() {
        return calls.locked(() -> calls.describe() + (spins.isEmpty() ? "" : "spins: " + spins + "\n"));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, UTF_8);
    }

    /** The overlapped pipe: instances, the wait, and the wake event. */
    final class Pipe extends FakePipe implements OverlappedPipe {

        private boolean wakeSet;

        private Pipe(PipeAddress address) {
            super(FakePipeSystem.this, address);
        }

        @Override
        public OverlappedInstance createInstance() {
            return calls.locked(() -> {
                calls.onLoopThread("createInstance");
                return instanceCreated(Instance::new);
            });
        }

        @Override
        public int waitForAny(List<? extends OverlappedInstance> handles, int first, Duration timeout)
                throws IOException {
            return calls.lockedIo(() -> {
                calls.onLoopThread("waitForAny");
                long nanos = timeout.toNanos();
                while (true) {
                    int reported = scan(handles, first);
                    if (reported >= 0) {
                        return reported;
                    }
                    if (nanos <= 0) {
                        // Not recorded: the engine waits once a tick, and those lines would bury the rest.
                        return WAIT_TIMEOUT;
                    }
                    nanos = calls.awaitChange(nanos, "waitForAny");
                }
            });
        }

        /** The lowest signalled index at or after {@code first}, wrapping, over the instances, then the wake event. */
        private int scan(List<? extends OverlappedInstance> handles, int first) {
            int n = handles.size();
            for (int k = 0; k <= n; k++) {
                int index = (first + k) % (n + 1);
                if (index == n) {
                    if (wakeSet) {
                        wakeSet = false; // the wait resets the wake event
                        calls.record("waitForAny(first=" + first + ") -> wake");
                        return n;
                    }
                    continue;
                }
                Instance candidate = (Instance) handles.get(index);
                if (candidate.number() != index) { // as the Unix seam, which maps an event to its instance by index
                    throw new IllegalArgumentException("instances must be listed in the order they were created: #"
                            + candidate.number() + " at index " + index);
                }
                if (!candidate.event.isSet() || candidate.muted) {
                    continue;
                }
                if (candidate.reportedUntouched) {
                    spins.add("#" + candidate.number() + " reported again with nothing called on it since: "
                            + "its event stays set, so the loop never blocks");
                    // Once is enough to fail a test; muted, it neither floods the log nor burns the CPU.
                    candidate.muted = true;
                    continue;
                }
                candidate.reportedUntouched = true;
                List<Integer> signalled = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (((Instance) handles.get(i)).event.isSet()) {
                        signalled.add(i);
                    }
                }
                waits.add(new Wait(first, List.copyOf(signalled), index));
                calls.record("waitForAny(first=" + first + ") -> " + index + ", signalled " + signalled);
                return index;
            }
            return -1;
        }

        @Override
        public void wake() {
            calls.locked(() -> {
                wakeSet = true;
                calls.record("wake" + calls.offLoop());
                calls.signalChange();
            });
        }
    }

    /** One pipe instance: its event, its client, and its one outstanding operation. */
    final class Instance extends FakeInstance implements OverlappedInstance {

        // Manual-reset; the engine sets it only when a client came before the connect.
        private final ManualResetEvent event;
        private Operation started = Operation.NONE; // the operation started last
        private boolean pending; // ... and not finished yet
        private IOException failure; // how it finished, if it failed
        private byte[] message; // what the read that finished last brought
        private String writing; // the frame of the write started last, as its client will read it
        private boolean reportedUntouched; // reported by the wait, and nothing called on it since
        private boolean muted; // caught spinning: not reported again until the engine calls something on it

        private Instance(int number) {
            super(FakePipeSystem.this, number);
            // Setting or resetting the event attends to the instance too, from any thread, as SetEvent may.
            this.event = new ManualResetEvent(calls, "#" + number + " ", false, this::attended);
        }

        @Override
        public PipeEvent event() {
            return event;
        }

        @Override
        public boolean connect() throws IOException {
            return calls.lockedIo(() -> {
                called("connect");
                if (client != null) {
                    throw calls.violation("connect on #" + number + ", which is connected; disconnect it first");
                }
                start(Operation.CONNECT, Call.CONNECT, "connect");
                if (!accepting()) {
                    throw failedAtOnce("connect", new ClosedChannelException());
                }
                if (connectOrAwaitClient()) {
                    return true;
                }
                pending = true;
                return false;
            });
        }

        @Override
        public boolean read() throws IOException {
            return calls.lockedIo(() -> {
                called("read");
                start(Operation.READ, Call.READ, "read");
                if (client == null) {
                    throw failedAtOnce("read", new ClosedChannelException());
                }
                Object arrived = client.takeSent();
                if (arrived != null) {
                    finish(arrived); // the client had sent it already: the read finishes at once
                    record("read -> done");
                    return true;
                }
                pending = true;
                record("read -> pending");
                return false;
            });
        }

        @Override
        public boolean write(byte[] payload) throws IOException {
            return startWrite("write(" + text(payload) + ")", text(payload));
        }

        @Override
        public boolean writeError(String reason) throws IOException {
            return startWrite("writeError(" + reason + ")", "error: " + reason);
        }

        private boolean startWrite(String call, String frame) throws IOException {
            return calls.lockedIo(() -> {
                called(call);
                start(Operation.WRITE, Call.WRITE, call);
                if (client == null) {
                    throw failedAtOnce(call, new ClosedChannelException());
                }
                writing = frame;
                if (client.holdingWrites()) {
                    pending = true;
                    record(call + " -> pending");
                    return false;
                }
                client.receive(frame);
                finish(null);
                record(call + " -> done");
                return true;
            });
        }

        /** FlushFileBuffers: a fake's write is in the client's hands once it finished, so nothing is left to wait for. */
        @Override
        public boolean flush() throws IOException {
            return calls.lockedIo(() -> {
                called("flush");
                start(Operation.FLUSH, Call.FLUSH, "flush");
                if (client == null) {
                    throw failedAtOnce("flush", new ClosedChannelException());
                }
                finish(null);
                record("flush -> done");
                return true;
            });
        }

        @Override
        public boolean getOverlappedResult() throws IOException {
            return calls.lockedIo(() -> {
                called("getOverlappedResult");
                if (started == Operation.NONE) {
                    throw calls.violation("getOverlappedResult on #" + number + " with no operation started");
                }
                return overlappedResult(pending, failure);
            });
        }

        @Override
        public byte[] takeMessage() {
            return calls.locked(() -> {
                called("takeMessage");
                byte[] m = message;
                message = null;
                return m;
            });
        }

        @Override
        public void cancelIo() {
            calls.locked(() -> {
                called("cancelIo");
                record("cancelIo");
                if (started == Operation.READ && pending) {
                    finish(new OperationAbortedException()); // a read that already finished stays as it is
                }
            });
        }

        @Override
        public void disconnect() {
            calls.locked(() -> {
                called("disconnect");
                record("disconnect");
                disconnectClient();
            });
        }

        @Override
        public void close() {
            calls.locked(() -> {
                called("close");
                record("close");
                disconnectClient();
                closed = true;
            });
        }

        // ---- finished by the script

        @Override
        protected void connectFinished(IOException connectFailure) {
            finish(connectFailure);
        }

        @Override
        protected boolean finishRead(Object outcome) {
            if (started != Operation.READ || !pending) {
                return false;
            }
            finish(outcome);
            return true;
        }

        @Override
        protected String frameBeingWritten() {
            return started == Operation.WRITE && pending ? writing : null;
        }

        @Override
        protected void finishWrite(IOException writeFailure) {
            finish(writeFailure);
        }

        // ---- inside

        @Override
        protected void called(String call) {
            super.called(call);
            attended();
        }

        /** The engine did something with this instance since the wait last reported it: no spin. */
        private void attended() {
            reportedUntouched = false;
            muted = false;
        }

        /** Starting an operation resets the event and forgets the last result, or fails as the test scripted. */
        private void start(Operation operation, Call call, String what) throws IOException {
            if (pending) {
                throw calls.violation(what + " on #" + number + " while its " + started
                        + " is pending: one operation at a time per instance");
            }
            event.clear();
            started = operation;
            failure = null;
            message = null;
            IOException scripted = scriptedFailures.next(call);
            if (scripted != null) {
                throw failedAtOnce(what, scripted);
            }
        }

        @Override
        protected IOException failedAtOnce(String call, IOException e) {
            started = Operation.NONE; // nothing is pending, so there is no result to fetch
            return super.failedAtOnce(call, e);
        }

        /** The operation finishes: {@code outcome} is null (success), the message read, or the failure. */
        private void finish(Object outcome) {
            pending = false;
            if (outcome instanceof byte[] m) {
                message = m;
            } else {
                failure = (IOException) outcome;
            }
            event.signal();
        }

        /** DisconnectNamedPipe: as on Unix, an operation in progress finishes as aborted and sets the event. */
        private void disconnectClient() {
            if (pending) {
                forgetPendingConnect();
                finish(new OperationAbortedException());
            }
            dropClient();
        }

        @Override
        public String toString() {
            return "#" + number + (client != null ? " " + client : "") + " " + started + (pending ? " pending" : "")
                    + (event.isSet() ? ", signalled" : "");
        }
    }
}
