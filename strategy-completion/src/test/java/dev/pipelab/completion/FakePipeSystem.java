package dev.pipelab.completion;

import static dev.pipelab.testsuite.fake.CallLog.name;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.spi.os.CompletionInstance;
import dev.pipelab.spi.os.CompletionPipe;
import dev.pipelab.spi.os.OperationAbortedException;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A scripted OS seam in the completion-routine style, to drive {@link CompletionPipeServer}'s
 * chain of routines one step at a time.
 *
 * <p>It records every call the engine makes in its {@link CallLog} ({@code "#0 readFileEx -> pending"}),
 * and every routine and APC it runs ({@code "#0 routine read(hello)"}, {@code "apc"}); the test
 * plays the clients ({@link ScriptedClient}). The rules are those of {@code UnixCompletionPipe}
 * and of the Win32 calls it stands for: one read and one write outstanding per instance; a
 * connect that resets the event it is given and sets it when a client completes it
 * ({@link ConnectQueue}); {@code stopAccepting} failing pending connects; closing an instance
 * aborting what is outstanding.
 *
 * <p>As on Windows, a routine runs only on the thread that started its operation, and only inside
 * that thread's alertable wait, even when the operation finished at once; so does an APC. The
 * fake keeps every finished operation's routine in one queue that only {@link Pipe#waitAlertable}
 * empties, and refuses to start an operation on any thread but the one that waits: a routine can
 * run nowhere else. The wait blocks on the log's lock, for at most the timeout the engine passes,
 * until the test scripts something.
 */
final class FakePipeSystem extends ScriptedSeam {

    /** Calls a test can make fail at once, as a Win32 call that returns FALSE. */
    enum Call {
        CREATE_INSTANCE,
        CONNECT,
        READ_FILE_EX,
        /** WriteFileEx of a message or of an error frame. */
        WRITE_FILE_EX,
        FLUSH_EX
    }

    /** A routine or an APC waiting for the loop's next alertable wait. */
    private record Queued(String label, Runnable work) {}

    // Guarded by the call log's lock.
    private final ScriptedFailures<Call> scriptedFailures = new ScriptedFailures<>(Call.class);
    private final Deque<Queued> queued = new ArrayDeque<>(); // for the next alertable wait, in order
    private volatile boolean runningRoutines; // the loop is inside waitAlertable, running routines and APCs

    FakePipeSystem() {
        super("completion", " may start operations, since their routines run on the thread that started them");
    }

    @Override
    public CompletionPipe createCompletionPipe(PipeServerConfig config) {
        return pipeCreated(new Pipe(config.address()));
    }

    /** The next {@code call}, on whichever instance, fails at once with {@code failure}. */
    void failNext(Call call, IOException failure) {
        calls.locked(() -> scriptedFailures.failNext(call, failure));
    }

    /** True on the loop thread while it runs routines and APCs inside its alertable wait. */
    boolean runningRoutines() {
        return runningRoutines && calls.isLoopThread();
    }

    /** Queues a routine or APC for the loop's next alertable wait, and wakes the loop if it waits. */
    private void queue(String label, Runnable work) {
        queued.add(new Queued(label, work));
        calls.signalChange();
    }

    /** The pipe: the event, instances, the alertable wait and APCs. */
    final class Pipe extends FakePipe implements CompletionPipe {

        private Pipe(PipeAddress address) {
            super(FakePipeSystem.this, address);
        }

        /** The connect event: manual-reset. */
        @Override
        public PipeEvent createEvent(boolean initiallySet) {
            return calls.locked(() -> {
                calls.onLoopThread("createEvent");
                calls.record("createEvent(" + initiallySet + ")");
                return new ManualResetEvent(calls, "", initiallySet, () -> {});
            });
        }

        @Override
        public CompletionInstance createInstance() throws IOException {
            return calls.lockedIo(() -> {
                calls.onLoopThread("createInstance");
                IOException failure = scriptedFailures.next(Call.CREATE_INSTANCE);
                if (failure != null) {
                    calls.record("createInstance -> " + name(failure));
                    throw failure;
                }
                return instanceCreated(Instance::new);
            });
        }

        @Override
        public WaitResult waitAlertable(PipeEvent event, Duration timeout) throws IOException {
            List<Queued> due = new ArrayList<>();
            WaitResult result = calls.lockedIo(() -> {
                calls.onLoopThread("waitAlertable");
                long nanos = timeout.toNanos();
                while (queued.isEmpty()) {
                    if (event.isSet()) {
                        calls.record("waitAlertable -> SIGNALLED");
                        return WaitResult.SIGNALLED;
                    }
                    if (nanos <= 0) {
                        // Not recorded: the engine waits once a tick, and those lines would bury the rest.
                        return WaitResult.TIMEOUT;
                    }
                    nanos = calls.awaitChange(nanos, "waitAlertable");
                }
                due.addAll(queued); // those queued meanwhile wait for the next wait, as on Unix
                queued.clear();
                return WaitResult.IO_COMPLETION;
            });
            if (result != WaitResult.IO_COMPLETION) {
                return result;
            }
            runRoutines(due);
            calls.locked(() -> calls.record("waitAlertable -> IO_COMPLETION"));
            return result;
        }

        /** The only place routines and APCs run: here, inside the loop thread's alertable wait, without the lock. */
        private void runRoutines(List<Queued> due) {
            runningRoutines = true;
            try {
                for (Queued next : due) {
                    calls.locked(() -> calls.record(next.label()));
                    next.work().run();
                }
            } finally {
                runningRoutines = false;
            }
        }

        @Override
        public void queueUserApc(Runnable apc) {
            calls.locked(() -> {
                calls.record("queueUserApc" + calls.offLoop());
                queue("apc", apc);
            });
        }
    }

    /** One pipe instance: its client, its connect, and its outstanding read and write. */
    final class Instance extends FakeInstance implements CompletionInstance {

        private boolean connectStarted;
        private boolean connectPending;
        private IOException connectFailure;
        private ManualResetEvent connectEvent;
        private ReadRoutine reading; // the routine of the outstanding ReadFileEx
        private WriteRoutine writing; // the routine of the outstanding WriteFileEx
        private String writingFrame; // ... and its frame, as the client will read it

        private Instance(int number) {
            super(FakePipeSystem.this, number);
        }

        @Override
        public boolean connect(PipeEvent event) throws IOException {
            return calls.lockedIo(() -> {
                called("connect");
                if (client != null || connectPending) {
                    throw calls.violation("connect on #" + number + ", which is connected or connecting");
                }
                connectEvent = (ManualResetEvent) event;
                connectEvent.clear(); // starting an overlapped operation resets its event
                connectStarted = true;
                connectFailure = null;
                IOException failure = scriptedFailures.next(Call.CONNECT);
                if (failure == null && !accepting()) {
                    failure = new ClosedChannelException();
                }
                if (failure != null) {
                    connectStarted = false; // nothing is pending, so there is no result to fetch
                    throw failedAtOnce("connect", failure);
                }
                if (connectOrAwaitClient()) {
                    return true;
                }
                connectPending = true;
                return false;
            });
        }

        @Override
        public boolean getOverlappedResult() throws IOException {
            return calls.lockedIo(() -> {
                called("getOverlappedResult");
                if (!connectStarted) {
                    throw calls.violation("getOverlappedResult on #" + number + " with no connect started");
                }
                return overlappedResult(connectPending, connectFailure);
            });
        }

        @Override
        public void readFileEx(ReadRoutine routine) throws IOException {
            calls.lockedIo(() -> {
                called("readFileEx");
                if (reading != null) {
                    throw calls.violation("readFileEx on #" + number + " while a read is outstanding");
                }
                IOException failure = scriptedFailures.next(Call.READ_FILE_EX);
                if (failure == null && client == null) {
                    failure = new ClosedChannelException();
                }
                if (failure != null) {
                    throw failedAtOnce("readFileEx", failure);
                }
                reading = routine;
                Object arrived = client.takeSent();
                if (arrived != null) {
                    readFinished(arrived); // finished at once; its routine still waits for the alertable wait
                    record("readFileEx -> done");
                } else {
                    record("readFileEx -> pending");
                }
            });
        }

        @Override
        public void writeFileEx(byte[] payload, WriteRoutine routine) throws IOException {
            String message = new String(payload, UTF_8);
            startWrite("writeFileEx(" + message + ")", message, routine);
        }

        @Override
        public void writeErrorEx(String reason, WriteRoutine routine) throws IOException {
            startWrite("writeErrorEx(" + reason + ")", "error: " + reason, routine);
        }

        private void startWrite(String call, String frame, WriteRoutine routine) throws IOException {
            calls.lockedIo(() -> {
                called(call);
                if (writing != null) {
                    throw calls.violation(call + " on #" + number + " while a write is outstanding");
                }
                IOException failure = scriptedFailures.next(Call.WRITE_FILE_EX);
                if (failure == null && client == null) {
                    failure = new ClosedChannelException();
                }
                if (failure != null) {
                    throw failedAtOnce(call, failure);
                }
                writing = routine;
                writingFrame = frame;
                if (client.holdingWrites()) {
                    record(call + " -> pending");
                } else {
                    client.receive(frame);
                    writeFinished(null); // finished at once; its routine still waits for the alertable wait
                    record(call + " -> done");
                }
            });
        }

        /** FlushFileBuffers: a fake's write is in the client's hands once it finished, so the flush finishes at once. */
        @Override
        public void flushEx(WriteRoutine routine) throws IOException {
            calls.lockedIo(() -> {
                called("flushEx");
                if (writing != null) {
                    throw calls.violation("flushEx on #" + number + " while a write is outstanding");
                }
                IOException failure = scriptedFailures.next(Call.FLUSH_EX);
                if (failure == null && client == null) {
                    failure = new ClosedChannelException();
                }
                if (failure != null) {
                    throw failedAtOnce("flushEx", failure);
                }
                queue("#" + number + " routine flush(ok)", () -> routine.completed(null));
                record("flushEx -> done");
            });
        }

        /** DisconnectNamedPipe and CloseHandle: what is outstanding aborts, and its routine still runs. */
        @Override
        public void close() {
            calls.locked(() -> {
                called("close");
                record("close");
                if (connectPending) {
                    forgetPendingConnect();
                    connectFinished(new OperationAbortedException()); // sets the event, as on Unix
                }
                if (reading != null) {
                    readFinished(new OperationAbortedException());
                }
                if (writing != null) {
                    writeFinished(new OperationAbortedException());
                }
                dropClient();
                closed = true;
            });
        }

        // ---- finished by the script

        @Override
        protected void connectFinished(IOException failure) {
            connectPending = false;
            connectFailure = failure;
            connectEvent.signal();
        }

        @Override
        protected boolean finishRead(Object outcome) {
            if (reading == null) {
                return false;
            }
            readFinished(outcome);
            return true;
        }

        @Override
        protected String frameBeingWritten() {
            return writing == null ? null : writingFrame;
        }

        @Override
        protected void finishWrite(IOException failure) {
            writeFinished(failure);
        }

        // ---- inside

        /** The outstanding read finished with {@code outcome}, the message or the failure: queue its routine. */
        private void readFinished(Object outcome) {
            ReadRoutine routine = reading;
            reading = null;
            if (outcome instanceof byte[] message) {
                queue(
                        "#" + number + " routine read(" + new String(message, UTF_8) + ")",
                        () -> routine.completed(null, message));
            } else {
                IOException failure = (IOException) outcome;
                queue("#" + number + " routine read(" + name(failure) + ")", () -> routine.completed(failure, null));
            }
        }

        /** The outstanding write finished, well if {@code failure} is null: queue its routine. */
        private void writeFinished(IOException failure) {
            WriteRoutine routine = writing;
            writing = null;
            writingFrame = null;
            queue(
                    "#" + number + " routine write(" + (failure == null ? "ok" : name(failure)) + ")",
                    () -> routine.completed(failure));
        }

        @Override
        public String toString() {
            return "#" + number + (client != null ? " " + client : "") + (connectPending ? " connecting" : "")
                    + (reading != null ? " reading" : "") + (writing != null ? " writing" : "")
                    + (closed ? " closed" : "");
        }
    }
}
