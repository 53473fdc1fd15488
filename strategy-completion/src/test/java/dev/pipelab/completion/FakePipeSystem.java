package dev.pipelab.completion;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.pipelab.api.PeerIdentity;
import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.os.CompletionInstance;
import dev.pipelab.api.os.CompletionPipe;
import dev.pipelab.api.os.NamedPipe;
import dev.pipelab.api.os.OperationAbortedException;
import dev.pipelab.api.os.OverlappedPipe;
import dev.pipelab.api.os.PipeEvent;
import dev.pipelab.api.os.PipeSystem;
import dev.pipelab.api.protocol.ProtocolException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A scripted OS seam in the completion-routine style, to drive {@link CompletionPipeServer}'s
 * chain of routines one step at a time.
 *
 * <p>It records every call the engine makes, in order, one line each: the instance, the call and
 * what the seam answered ({@code "#0 readFileEx -> pending"}), and every routine and APC it runs
 * ({@code "#0 routine read(hello)"}, {@code "apc"}). The test plays the clients: a {@link Client}
 * connects, sends a message, a broken frame or an end of file, and decides when a write it holds
 * finishes. The rules are those of {@code UnixCompletionPipe} and of the Win32 calls it stands
 * for: one read and one write outstanding per instance; a connect that resets the event it is
 * given and sets it when a client completes it; {@code stopAccepting} failing pending connects;
 * closing an instance aborting what is outstanding.
 *
 * <p>As on Windows, a routine runs only on the thread that started its operation, and only inside
 * that thread's alertable wait, even when the operation finished at once; so does an APC. The
 * fake keeps every finished operation's routine in one queue that only {@link Pipe#waitAlertable}
 * empties, and refuses to start an operation on any thread but the one that waits: a routine can
 * run nowhere else. The engine calls the fake from its loop thread while the test thread scripts,
 * so one lock guards everything, and the wait blocks on that lock's condition, for at most the
 * timeout the engine passes, until the test scripts something.
 */
final class FakePipeSystem implements PipeSystem {

    /** Calls a test can make fail at once, as a Win32 call that returns FALSE. */
    enum Call {
        CREATE_INSTANCE,
        CONNECT,
        READ_FILE_EX,
        /** WriteFileEx of a message or of an error frame. */
        WRITE_FILE_EX
    }

    /** A routine or an APC waiting for the loop's next alertable wait. */
    private record Queued(String label, Runnable work) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Everything below is guarded by lock.
    private final List<String> log = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final List<Instance> instances = new ArrayList<>();
    private final Deque<Instance> awaitingClient = new ArrayDeque<>(); // pending connects, oldest first
    private final Deque<Client> backlog = new ArrayDeque<>(); // clients no instance has taken yet
    private final Deque<Queued> queued = new ArrayDeque<>(); // for the next alertable wait, in order
    private final Map<Call, Deque<IOException>> scriptedFailures = new EnumMap<>(Call.class);
    private Pipe pipe;
    private Thread loop; // the only thread that may wait and start operations: the first that does
    private boolean accepting = true;
    private volatile boolean runningRoutines; // the loop is inside waitAlertable, running routines and APCs

    // ---- the seam, as the engine sees it

    @Override
    public String describe() {
        return "fake completion seam";
    }

    @Override
    public NamedPipe createNamedPipe(PipeServerConfig config) {
        throw new UnsupportedOperationException("this fake serves the completion style only");
    }

    @Override
    public OverlappedPipe createOverlappedPipe(PipeServerConfig config) {
        throw new UnsupportedOperationException("this fake serves the completion style only");
    }

    @Override
    public CompletionPipe createCompletionPipe(PipeServerConfig config) {
        return locked(() -> {
            if (pipe != null) {
                throw new IllegalStateException("one fake seam per server");
            }
            pipe = new Pipe(config.address());
            return pipe;
        });
    }

    // ---- the script, as the test plays it

    /**
     * A client connects: it completes the connect that has been pending longest, or, if no
     * connect is pending, waits in the backlog until the next ConnectNamedPipe, which then finds
     * it already there (ERROR_PIPE_CONNECTED).
     */
    Client clientConnects(String name) {
        return locked(() -> {
            if (!accepting) {
                throw new IllegalStateException(name + " cannot connect: the pipe stopped accepting");
            }
            Client client = new Client(name);
            Instance instance = awaitingClient.poll();
            if (instance == null) {
                backlog.add(client);
            } else {
                instance.attach(client);
                instance.connectFinished(null);
            }
            return client;
        });
    }

    /** The next {@code call}, on whichever instance, fails at once with {@code failure}. */
    void failNext(Call call, IOException failure) {
        locked(() -> scriptedFailures.computeIfAbsent(call, c -> new ArrayDeque<>()).add(failure));
    }

    /** True on the loop thread while it runs routines and APCs inside its alertable wait. */
    boolean runningRoutines() {
        return runningRoutines && Thread.currentThread() == loop;
    }

    // ---- what happened

    /** Every call, routine and APC so far, in order. */
    List<String> log() {
        return locked(() -> List.copyOf(log));
    }

    /** The entries about instance {@code number}, in order, without the {@code "#n "} prefix. */
    List<String> callsOn(int number) {
        String prefix = "#" + number + " ";
        return locked(() -> log.stream().filter(e -> e.startsWith(prefix)).map(e -> e.substring(prefix.length()))
                .toList());
    }

    /** Calls that broke the seam's rules (wrong thread, a second outstanding read, ...). */
    List<String> violations() {
        return locked(() -> List.copyOf(violations));
    }

    /** How many instances the engine created. */
    int instancesCreated() {
        return locked(instances::size);
    }

    /** The instances, and the pipe, the engine has not closed. */
    List<String> unclosed() {
        return locked(() -> {
            List<String> open = new ArrayList<>();
            instances.stream().filter(i -> !i.closed).forEach(i -> open.add("#" + i.number));
            if (pipe != null && !pipe.closed) {
                open.add("the pipe");
            }
            return open;
        });
    }

    /** The log, numbered, and every rule broken: for failure messages. */
    String describeCalls() {
        return locked(() -> {
            StringBuilder s = new StringBuilder("seam calls:\n");
            for (int i = 0; i < log.size(); i++) {
                s.append(String.format("%4d  %s%n", i + 1, log.get(i)));
            }
            if (!violations.isEmpty()) {
                s.append("violations: ").append(violations).append('\n');
            }
            return s.toString();
        });
    }

    // ---- inside

    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    private void record(String entry) {
        log.add(entry);
    }

    /** Binds the loop thread on first use; a call from any other thread breaks the seam's rule. */
    private void onLoopThread(String call) {
        Thread me = Thread.currentThread();
        if (loop == null) {
            loop = me;
        } else if (loop != me) {
            throw violation(call + " on thread " + me.getName() + "; only " + loop.getName()
                    + " may start operations, since their routines run on the thread that started them");
        }
    }

    private String offLoop() {
        return Thread.currentThread() == loop ? "" : " (off the loop)";
    }

    private IllegalStateException violation(String what) {
        violations.add(what);
        return new IllegalStateException(what);
    }

    /** Queues a routine or APC for the loop's next alertable wait, and wakes the loop if it waits. */
    private void queue(String label, Runnable work) {
        queued.add(new Queued(label, work));
        changed.signalAll();
    }

    private IOException scripted(Call call) {
        Deque<IOException> failures = scriptedFailures.get(call);
        return failures == null ? null : failures.poll();
    }

    private static String name(IOException e) {
        return e.getClass().getSimpleName();
    }

    /** The pipe: the event, instances, the alertable wait and APCs. */
    final class Pipe implements CompletionPipe {

        private final PipeAddress address;
        private boolean closed;

        private Pipe(PipeAddress address) {
            this.address = address;
        }

        @Override
        public PipeAddress address() {
            return address;
        }

        @Override
        public PipeEvent createEvent(boolean initiallySet) {
            return locked(() -> {
                onLoopThread("createEvent");
                record("createEvent(" + initiallySet + ")");
                return new Event(initiallySet);
            });
        }

        @Override
        public CompletionInstance createInstance() throws IOException {
            lock.lock();
            try {
                onLoopThread("createInstance");
                IOException failure = scripted(Call.CREATE_INSTANCE);
                if (failure != null) {
                    record("createInstance -> " + name(failure));
                    throw failure;
                }
                Instance instance = new Instance(instances.size());
                instances.add(instance);
                record("createInstance -> #" + instance.number);
                return instance;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public WaitResult waitAlertable(PipeEvent event, Duration timeout) throws IOException {
            int due;
            lock.lock();
            try {
                onLoopThread("waitAlertable");
                long nanos = timeout.toNanos();
                while (queued.isEmpty()) {
                    if (event.isSet()) {
                        record("waitAlertable -> SIGNALLED");
                        return WaitResult.SIGNALLED;
                    }
                    if (nanos <= 0) {
                        // Not recorded: the engine waits once a tick, and those lines would bury the rest.
                        return WaitResult.TIMEOUT;
                    }
                    nanos = changed.awaitNanos(nanos);
                }
                due = queued.size(); // those queued meanwhile wait for the next wait, as on Unix
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted in waitAlertable");
            } finally {
                lock.unlock();
            }
            runRoutines(due);
            locked(() -> {
                record("waitAlertable -> IO_COMPLETION");
                return null;
            });
            return WaitResult.IO_COMPLETION;
        }

        /** The only place routines and APCs run: here, inside the loop thread's alertable wait, without the lock. */
        private void runRoutines(int due) {
            runningRoutines = true;
            try {
                for (int i = 0; i < due; i++) {
                    Queued next = locked(() -> {
                        Queued q = queued.poll();
                        record(q.label());
                        return q;
                    });
                    next.work().run();
                }
            } finally {
                runningRoutines = false;
            }
        }

        @Override
        public void queueUserApc(Runnable apc) {
            locked(() -> {
                record("queueUserApc" + offLoop());
                queue("apc", apc);
                return null;
            });
        }

        @Override
        public void stopAccepting() {
            locked(() -> {
                record("stopAccepting" + offLoop());
                stopAcceptingNow();
                return null;
            });
        }

        @Override
        public void close() {
            locked(() -> {
                record("close" + offLoop());
                stopAcceptingNow();
                closed = true;
                return null;
            });
        }

        /** As UnixSelectorIo.stopAccepting: every pending connect fails, and nobody else gets in. */
        private void stopAcceptingNow() {
            accepting = false;
            for (Instance waiting; (waiting = awaitingClient.poll()) != null; ) {
                waiting.connectFinished(new ClosedChannelException());
            }
            backlog.clear(); // those clients are refused
        }

        @Override
        public String toString() {
            return "FakePipeSystem.Pipe[" + address + "]";
        }
    }

    /** The connect event: manual-reset. */
    final class Event implements PipeEvent {

        private volatile boolean set;

        private Event(boolean initiallySet) {
            this.set = initiallySet;
        }

        @Override
        public void set() {
            locked(() -> {
                record("event.set" + offLoop());
                signal();
                return null;
            });
        }

        @Override
        public void reset() {
            locked(() -> {
                record("event.reset" + offLoop());
                set = false;
                return null;
            });
        }

        @Override
        public boolean isSet() {
            return set;
        }

        private void signal() {
            set = true;
            changed.signalAll();
        }
    }

    /** One pipe instance: its client, its connect, and its outstanding read and write. */
    final class Instance implements CompletionInstance {

        private final int number;
        private Client client;
        private boolean connectStarted;
        private boolean connectPending;
        private IOException connectFailure;
        private Event connectEvent;
        private ReadRoutine reading; // the routine of the outstanding ReadFileEx
        private WriteRoutine writing; // the routine of the outstanding WriteFileEx
        private String writingFrame; // ... and its frame, as the client will read it
        private boolean closed;

        private Instance(int number) {
            this.number = number;
        }

        @Override
        public boolean connect(PipeEvent event) throws IOException {
            lock.lock();
            try {
                called("connect");
                if (client != null || connectPending) {
                    throw violation("connect on #" + number + ", which is connected or connecting");
                }
                connectEvent = (Event) event;
                connectEvent.set = false; // starting an overlapped operation resets its event
                connectStarted = true;
                connectFailure = null;
                IOException failure = scripted(Call.CONNECT);
                if (failure == null && (closed || !accepting)) {
                    failure = new ClosedChannelException();
                }
                if (failure != null) {
                    connectStarted = false; // nothing is pending, so there is no result to fetch
                    throw failedAtOnce("connect", failure);
                }
                Client waiting = backlog.poll();
                if (waiting != null) {
                    attach(waiting); // ERROR_PIPE_CONNECTED: nothing was started, the event stays unset
                    record("#" + number + " connect -> connected");
                    return true;
                }
                connectPending = true;
                awaitingClient.add(this);
                record("#" + number + " connect -> pending");
                return false;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean getOverlappedResult() throws IOException {
            lock.lock();
            try {
                called("getOverlappedResult");
                if (!connectStarted) {
                    throw violation("getOverlappedResult on #" + number + " with no connect started");
                }
                if (connectPending) {
                    record("#" + number + " getOverlappedResult -> false");
                    return false;
                }
                if (connectFailure != null) {
                    record("#" + number + " getOverlappedResult -> " + name(connectFailure));
                    throw connectFailure;
                }
                record("#" + number + " getOverlappedResult -> true");
                return true;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void readFileEx(ReadRoutine routine) throws IOException {
            lock.lock();
            try {
                called("readFileEx");
                if (reading != null) {
                    throw violation("readFileEx on #" + number + " while a read is outstanding");
                }
                IOException failure = scripted(Call.READ_FILE_EX);
                if (failure == null && client == null) {
                    failure = new ClosedChannelException();
                }
                if (failure != null) {
                    throw failedAtOnce("readFileEx", failure);
                }
                reading = routine;
                Object arrived = client.inbound.poll();
                if (arrived != null) {
                    readFinished(arrived); // finished at once; its routine still waits for the alertable wait
                    record("#" + number + " readFileEx -> done");
                } else {
                    record("#" + number + " readFileEx -> pending");
                }
            } finally {
                lock.unlock();
            }
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
            lock.lock();
            try {
                called(call);
                if (writing != null) {
                    throw violation(call + " on #" + number + " while a write is outstanding");
                }
                IOException failure = scripted(Call.WRITE_FILE_EX);
                if (failure == null && client == null) {
                    failure = new ClosedChannelException();
                }
                if (failure != null) {
                    throw failedAtOnce(call, failure);
                }
                writing = routine;
                writingFrame = frame;
                if (client.holdsWrites) {
                    record("#" + number + " " + call + " -> pending");
                } else {
                    client.received.add(frame);
                    writeFinished(null); // finished at once; its routine still waits for the alertable wait
                    record("#" + number + " " + call + " -> done");
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public PeerIdentity peer() {
            return locked(() -> client == null ? PeerIdentity.UNKNOWN
                    : new PeerIdentity(client.name, "fake", OptionalLong.empty()));
        }

        /** DisconnectNamedPipe and CloseHandle: what is outstanding aborts, and its routine still runs. */
        @Override
        public void close() {
            locked(() -> {
                called("close");
                record("#" + number + " close");
                if (connectPending) {
                    awaitingClient.remove(this);
                    connectFinished(new OperationAbortedException()); // sets the event, as on Unix
                }
                if (reading != null) {
                    readFinished(new OperationAbortedException());
                }
                if (writing != null) {
                    writeFinished(new OperationAbortedException());
                }
                if (client != null) {
                    client.instance = null;
                    client.disconnected = true;
                    client = null;
                }
                closed = true;
                return null;
            });
        }

        private void called(String call) {
            onLoopThread("#" + number + " " + call);
        }

        private IOException failedAtOnce(String what, IOException e) {
            record("#" + number + " " + what + " -> " + name(e));
            return e;
        }

        private void attach(Client c) {
            client = c;
            c.instance = this;
        }

        private void connectFinished(IOException failure) {
            connectPending = false;
            connectFailure = failure;
            connectEvent.signal();
        }

        /** The outstanding read finished with {@code outcome}, the message or the failure: queue its routine. */
        private void readFinished(Object outcome) {
            ReadRoutine routine = reading;
            reading = null;
            if (outcome instanceof byte[] message) {
                queue("#" + number + " routine read(" + new String(message, UTF_8) + ")",
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
            queue("#" + number + " routine write(" + (failure == null ? "ok" : name(failure)) + ")",
                    () -> routine.completed(failure));
        }

        @Override
        public String toString() {
            return "#" + number + (client != null ? " " + client.name : "") + (connectPending ? " connecting" : "")
                    + (reading != null ? " reading" : "") + (writing != null ? " writing" : "")
                    + (closed ? " closed" : "");
        }
    }

    /** A client as the test plays it: what it sends, and what the server wrote to it. */
    final class Client {

        private final String name;
        // Sent and not yet read: a byte[] message, or the IOException a read ends with.
        private final Deque<Object> inbound = new ArrayDeque<>();
        private final List<String> received = new ArrayList<>();
        private Instance instance;
        private boolean holdsWrites;
        private boolean disconnected;

        private Client(String name) {
            this.name = name;
        }

        /** Sends one whole message: it finishes the outstanding read, or waits for the next one. */
        void sends(String message) {
            deliver(message.getBytes(UTF_8));
        }

        /** Breaks the frame rules: the read ends with a ProtocolException carrying {@code reason}. */
        void sendsBrokenFrame(String reason) {
            deliver(new ProtocolException(reason));
        }

        /** Closes its end: the read ends with ERROR_BROKEN_PIPE. */
        void closesItsEnd() {
            deliver(new EOFException("the client closed its end"));
        }

        private void deliver(Object item) {
            locked(() -> {
                if (instance != null && instance.reading != null) {
                    instance.readFinished(item);
                } else {
                    inbound.add(item);
                }
                return null;
            });
        }

        /** From now on a write to this client stays outstanding until {@link #finishesWrite} or {@link #failsWrite}. */
        void holdsWrites() {
            locked(() -> holdsWrites = true);
        }

        /** The outstanding write to this client finishes: the client has the frame. */
        void finishesWrite() {
            locked(() -> {
                Instance i = outstandingWrite();
                received.add(i.writingFrame);
                i.writeFinished(null);
                return null;
            });
        }

        /** The outstanding write to this client fails with {@code failure}. */
        void failsWrite(IOException failure) {
            locked(() -> {
                outstandingWrite().writeFinished(failure);
                return null;
            });
        }

        private Instance outstandingWrite() {
            if (instance == null || instance.writing == null) {
                throw new IllegalStateException("no write to " + name + " is outstanding: " + instance);
            }
            return instance;
        }

        /** The frames written to this client, in order; an error frame as {@code "error: reason"}. */
        List<String> received() {
            return locked(() -> List.copyOf(received));
        }

        /** The instance this client is connected to, or -1. */
        int instance() {
            return locked(() -> instance == null ? -1 : instance.number);
        }

        /** True once the server closed its instance. */
        boolean wasDisconnected() {
            return locked(() -> disconnected);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
