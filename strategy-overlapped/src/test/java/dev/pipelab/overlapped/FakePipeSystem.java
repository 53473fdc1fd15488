package dev.pipelab.overlapped;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.pipelab.api.PeerIdentity;
import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.os.CompletionPipe;
import dev.pipelab.api.os.NamedPipe;
import dev.pipelab.api.os.OperationAbortedException;
import dev.pipelab.api.os.OverlappedInstance;
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
 * A scripted OS seam in the overlapped style, to drive {@link OverlappedPipeServer}'s state
 * machine one step at a time.
 *
 * <p>It records every call the engine makes, in order, one line each: the instance, the call and
 * what the seam answered ({@code "#0 read -> pending"}, {@code "#0 getOverlappedResult -> EOFException"}).
 * The test plays the clients: a {@link Client} connects, sends a message, a broken frame or an
 * end of file, and decides when a write it holds finishes. The rules are those of
 * {@code UnixOverlappedPipe} and of the Win32 calls it stands for: one operation outstanding per
 * instance; a manual-reset event per instance that starting an operation resets and finishing it
 * (at once or later) sets; a pending connect that a client completes in the order the connects
 * were started; {@code stopAccepting} fails the pending connects; and a wait that reports the
 * lowest signalled index at or after {@code first}, wrapping, over the instances' events followed
 * by the wake event.
 *
 * <p>The engine calls it from its loop thread while the test thread scripts, so one lock guards
 * everything, and the wait blocks on that lock's condition, for at most the timeout the engine
 * passes, until the test scripts something.
 */
final class FakePipeSystem implements PipeSystem {

    /** Calls a test can make fail at once, as a Win32 call that returns an error other than ERROR_IO_PENDING. */
    enum Call {
        CONNECT,
        READ,
        /** A write of a message or of an error frame. */
        WRITE
    }

    /**
     * One return of the wait that reported an instance.
     *
     * @param first where the engine asked the scan to start
     * @param signalled the instances whose events were set at that moment
     * @param served the instance reported
     */
    record Wait(int first, List<Integer> signalled, int served) {
    }

    private enum Operation { NONE, CONNECT, READ, WRITE }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Everything below is guarded by lock.
    private final List<String> log = new ArrayList<>();
    private final List<Wait> waits = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final List<String> spins = new ArrayList<>();
    private final List<Instance> instances = new ArrayList<>();
    private final Deque<Instance> awaitingClient = new ArrayDeque<>(); // pending connects, oldest first
    private final Deque<Client> backlog = new ArrayDeque<>(); // clients no instance has taken yet
    private final Map<Call, Deque<IOException>> scriptedFailures = new EnumMap<>(Call.class);
    private Pipe pipe;
    private Thread loop; // the only thread that may wait and use the instances: the first that does
    private boolean accepting = true;

    // ---- the seam, as the engine sees it

    @Override
    public String describe() {
        return "fake overlapped seam";
    }

    @Override
    public NamedPipe createNamedPipe(PipeServerConfig config) {
        throw new UnsupportedOperationException("this fake serves the overlapped style only");
    }

    @Override
    public CompletionPipe createCompletionPipe(PipeServerConfig config) {
        throw new UnsupportedOperationException("this fake serves the overlapped style only");
    }

    @Override
    public OverlappedPipe createOverlappedPipe(PipeServerConfig config) {
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
     * connect is pending, waits in the backlog until the next ConnectNamedPipe, which then
     * finds it already there (ERROR_PIPE_CONNECTED).
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
                instance.finish(null);
            }
            return client;
        });
    }

    /** The next {@code call}, on whichever instance, fails at once with {@code failure}. */
    void failNext(Call call, IOException failure) {
        locked(() -> scriptedFailures.computeIfAbsent(call, c -> new ArrayDeque<>()).add(failure));
    }

    // ---- what happened

    /** Every call so far, in order. */
    List<String> log() {
        return locked(() -> List.copyOf(log));
    }

    /** The calls on instance {@code number}, in order, without the {@code "#n "} prefix. */
    List<String> callsOn(int number) {
        String prefix = "#" + number + " ";
        return locked(() -> log.stream().filter(e -> e.startsWith(prefix)).map(e -> e.substring(prefix.length()))
                .toList());
    }

    /** Every return of the wait that reported an instance, in order. */
    List<Wait> waits() {
        return locked(() -> List.copyOf(waits));
    }

    /** Calls that broke the seam's rules (wrong thread, a second outstanding operation, ...). */
    List<String> violations() {
        return locked(() -> List.copyOf(violations));
    }

    /**
     * Instances the wait reported again although the engine had called nothing on them since it
     * last reported them: their event stays set, so on Windows every later wait would return at
     * once and the loop would spin.
     */
    List<String> spins() {
        return locked(() -> List.copyOf(spins));
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
            if (!spins.isEmpty()) {
                s.append("spins: ").append(spins).append('\n');
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
                    + ", which waits, may use the instances");
        }
    }

    private String offLoop() {
        return Thread.currentThread() == loop ? "" : " (off the loop)";
    }

    private IllegalStateException violation(String what) {
        violations.add(what);
        return new IllegalStateException(what);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, UTF_8);
    }

    private static String name(IOException e) {
        return e.getClass().getSimpleName();
    }

    /** The overlapped pipe: instances, the wait, and the wake event. */
    final class Pipe implements OverlappedPipe {

        private final PipeAddress address;
        private boolean wakeSet;
        private boolean closed;

        private Pipe(PipeAddress address) {
            this.address = address;
        }

        @Override
        public PipeAddress address() {
            return address;
        }

        @Override
        public OverlappedInstance createInstance() {
            return locked(() -> {
                onLoopThread("createInstance");
                Instance instance = new Instance(instances.size());
                instances.add(instance);
                record("createInstance -> #" + instance.number);
                return instance;
            });
        }

        @Override
        public int waitForAny(List<? extends OverlappedInstance> handles, int first, Duration timeout)
                throws IOException {
            lock.lock();
            try {
                onLoopThread("waitForAny");
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
                    nanos = changed.awaitNanos(nanos);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted in waitForAny");
            } finally {
                lock.unlock();
            }
        }

        /** The lowest signalled index at or after {@code first}, wrapping, over the instances, then the wake event. */
        private int scan(List<? extends OverlappedInstance> handles, int first) {
            int n = handles.size();
            for (int k = 0; k <= n; k++) {
                int index = (first + k) % (n + 1);
                if (index == n) {
                    if (wakeSet) {
                        wakeSet = false; // the wait resets the wake event
                        record("waitForAny(first=" + first + ") -> wake");
                        return n;
                    }
                    continue;
                }
                Instance candidate = (Instance) handles.get(index);
                if (!candidate.event.set || candidate.muted) {
                    continue;
                }
                if (candidate.reportedUntouched) {
                    spins.add("#" + candidate.number + " reported again with nothing called on it since: "
                            + "its event stays set, so the loop never blocks");
                    // Once is enough to fail a test; muted, it neither floods the log nor burns the CPU.
                    candidate.muted = true;
                    continue;
                }
                candidate.reportedUntouched = true;
                List<Integer> signalled = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (((Instance) handles.get(i)).event.set) {
                        signalled.add(i);
                    }
                }
                waits.add(new Wait(first, List.copyOf(signalled), index));
                record("waitForAny(first=" + first + ") -> " + index + ", signalled " + signalled);
                return index;
            }
            return -1;
        }

        @Override
        public void wake() {
            locked(() -> {
                wakeSet = true;
                record("wake" + offLoop());
                changed.signalAll();
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
                waiting.finish(new ClosedChannelException());
            }
            backlog.clear(); // those clients are refused
        }

        @Override
        public String toString() {
            return "FakePipeSystem.Pipe[" + address + "]";
        }
    }

    /** One pipe instance: its event, its client, and its one outstanding operation. */
    final class Instance implements OverlappedInstance {

        private final int number;
        private final Event event = new Event();
        private Client client;
        private Operation started = Operation.NONE; // the operation started last
        private boolean pending; // ... and not finished yet
        private IOException failure; // how it finished, if it failed
        private byte[] message; // what the read that finished last brought
        private String writing; // the frame of the write started last, as its client will read it
        private boolean closed;
        private boolean reportedUntouched; // reported by the wait, and nothing called on it since
        private boolean muted; // caught spinning: not reported again until the engine calls something on it

        private Instance(int number) {
            this.number = number;
        }

        @Override
        public PipeEvent event() {
            return event;
        }

        @Override
        public boolean connect() throws IOException {
            lock.lock();
            try {
                called("connect");
                if (client != null) {
                    throw violation("connect on #" + number + ", which is connected; disconnect it first");
                }
                start(Operation.CONNECT, Call.CONNECT, "connect");
                if (closed || !accepting) {
                    throw failedAtOnce("connect", new ClosedChannelException());
                }
                Client waiting = backlog.poll();
                if (waiting != null) {
                    attach(waiting); // ERROR_PIPE_CONNECTED: nothing was started, the event stays unset
                    record("#" + number + " connect -> connected");
                    return true;
                }
                pending = true;
                awaitingClient.add(this);
                record("#" + number + " connect -> pending");
                return false;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean read() throws IOException {
            lock.lock();
            try {
                called("read");
                start(Operation.READ, Call.READ, "read");
                if (client == null) {
                    throw failedAtOnce("read", new ClosedChannelException());
                }
                Object arrived = client.inbound.poll();
                if (arrived != null) {
                    finish(arrived); // the client had sent it already: the read finishes at once
                    record("#" + number + " read -> done");
                    return true;
                }
                pending = true;
                record("#" + number + " read -> pending");
                return false;
            } finally {
                lock.unlock();
            }
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
            lock.lock();
            try {
                called(call);
                start(Operation.WRITE, Call.WRITE, call);
                if (client == null) {
                    throw failedAtOnce(call, new ClosedChannelException());
                }
                writing = frame;
                if (client.holdsWrites) {
                    pending = true;
                    record("#" + number + " " + call + " -> pending");
                    return false;
                }
                client.received.add(frame);
                finish(null);
                record("#" + number + " " + call + " -> done");
                return true;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean getOverlappedResult() throws IOException {
            lock.lock();
            try {
                called("getOverlappedResult");
                if (started == Operation.NONE) {
                    throw violation("getOverlappedResult on #" + number + " with no operation started");
                }
                if (pending) {
                    record("#" + number + " getOverlappedResult -> false");
                    return false;
                }
                if (failure != null) {
                    record("#" + number + " getOverlappedResult -> " + name(failure));
                    throw failure;
                }
                record("#" + number + " getOverlappedResult -> true");
                return true;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public byte[] takeMessage() {
            return locked(() -> {
                called("takeMessage");
                byte[] m = message;
                message = null;
                return m;
            });
        }

        @Override
        public void cancelIo() {
            locked(() -> {
                called("cancelIo");
                record("#" + number + " cancelIo");
                if (started == Operation.READ && pending) {
                    finish(new OperationAbortedException()); // a read that already finished stays as it is
                }
                return null;
            });
        }

        @Override
        public void disconnect() {
            locked(() -> {
                called("disconnect");
                record("#" + number + " disconnect");
                dropClient();
                return null;
            });
        }

        @Override
        public PeerIdentity peer() {
            return locked(() -> client == null ? PeerIdentity.UNKNOWN
                    : new PeerIdentity(client.name, "fake", OptionalLong.empty()));
        }

        @Override
        public void close() {
            locked(() -> {
                called("close");
                record("#" + number + " close");
                dropClient();
                closed = true;
                return null;
            });
        }

        /** Every call of the engine on the instance goes through here: on the loop thread only. */
        private void called(String call) {
            onLoopThread("#" + number + " " + call);
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
                throw violation(what + " on #" + number + " while its " + started
                        + " is pending: one operation at a time per instance");
            }
            event.set = false;
            started = operation;
            failure = null;
            message = null;
            IOException scripted = scriptedFailures.getOrDefault(call, new ArrayDeque<>()).poll();
            if (scripted != null) {
                throw failedAtOnce(what, scripted);
            }
        }

        private IOException failedAtOnce(String what, IOException e) {
            started = Operation.NONE; // nothing is pending, so there is no result to fetch
            record("#" + number + " " + what + " -> " + name(e));
            return e;
        }

        private void attach(Client c) {
            client = c;
            c.instance = this;
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
        private void dropClient() {
            if (pending) {
                awaitingClient.remove(this);
                finish(new OperationAbortedException());
            }
            if (client != null) {
                client.instance = null;
                client.disconnected = true;
                client = null;
            }
        }

        @Override
        public String toString() {
            return "#" + number + (client != null ? " " + client.name : "") + " " + started
                    + (pending ? " pending" : "") + (event.set ? ", signalled" : "");
        }

        /** The instance's manual-reset event. The engine sets it only when a client came before the connect. */
        final class Event implements PipeEvent {

            private volatile boolean set;

            @Override
            public void set() {
                locked(() -> {
                    attended(); // SetEvent is allowed from any thread, unlike the instance's calls
                    record("#" + number + " event.set" + offLoop());
                    signal();
                    return null;
                });
            }

            @Override
            public void reset() {
                locked(() -> {
                    attended();
                    record("#" + number + " event.reset" + offLoop());
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

        /** Sends one whole message: it finishes a pending read, or waits for the next one. */
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
                if (instance != null && instance.started == Operation.READ && instance.pending) {
                    instance.finish(item);
                } else {
                    inbound.add(item);
                }
                return null;
            });
        }

        /** From now on a write to this client stays pending until {@link #finishesWrite} or {@link #failsWrite}. */
        void holdsWrites() {
            locked(() -> holdsWrites = true);
        }

        /** The pending write to this client finishes: the client has the frame. */
        void finishesWrite() {
            locked(() -> {
                Instance i = pendingWrite();
                received.add(i.writing);
                i.finish(null);
                return null;
            });
        }

        /** The pending write to this client fails with {@code failure}. */
        void failsWrite(IOException failure) {
            locked(() -> {
                pendingWrite().finish(failure);
                return null;
            });
        }

        private Instance pendingWrite() {
            if (instance == null || instance.started != Operation.WRITE || !instance.pending) {
                throw new IllegalStateException("no write to " + name + " is pending: " + instance);
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

        /** True once the server disconnected it. */
        boolean wasDisconnected() {
            return locked(() -> disconnected);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
