package dev.pipelab.overlapped;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.PipeServerStats;
import dev.pipelab.api.protocol.ProtocolException;
import dev.pipelab.spi.engine.LoopBackoff;
import dev.pipelab.spi.engine.LoopSession;
import dev.pipelab.spi.engine.LoopTicker;
import dev.pipelab.spi.engine.OutboundFrame;
import dev.pipelab.spi.engine.ServerCounters;
import dev.pipelab.spi.engine.ServerLifecycle;
import dev.pipelab.spi.engine.Threads;
import dev.pipelab.spi.os.OperationAbortedException;
import dev.pipelab.spi.os.OverlappedInstance;
import dev.pipelab.spi.os.OverlappedPipe;
import dev.pipelab.spi.os.PipeSystem;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server using overlapped I/O: <b>one thread serves every client</b>, keeping one
 * operation outstanding on each pipe instance and waiting for whichever finishes first. It is
 * the SDK's "Named Pipe Server Using Overlapped I/O" sample, and reads beside it.
 *
 * <h2>How it works</h2>
 * <ol>
 *   <li>At start the loop creates a few instances (the sample's four, or {@code maxInstances}
 *       if fewer), each with a manual-reset event, and starts an overlapped ConnectNamedPipe on
 *       each ({@link #connectToNewClient}).
 *   <li>The loop ({@link #loop}) waits for any event (WaitForMultipleObjects). The event tells
 *       which instance's operation finished.
 *   <li>If that instance had an operation pending, the loop fetches its result
 *       (GetOverlappedResult) and finishes the step: a client connected, a request arrived (the
 *       handler answers it, queueing replies), or a reply was written.
 *   <li>It starts the instance's next operation: WriteFile of the next queued frame, or
 *       ReadFile of the next request, or, when the session is over, FlushFileBuffers, so that
 *       the last replies have left before {@link #disconnectAndReconnect} (DisconnectNamedPipe
 *       discards what the client has not read).
 * </ol>
 *
 * <h2>States</h2>
 * Each instance ({@link PipeInst}, the sample's {@code PIPEINST}) is in one state, with at most
 * one operation pending ({@code pendingIO}):
 * <dl>
 *   <dt>CONNECTING</dt><dd>a ConnectNamedPipe is pending: no client yet.</dd>
 *   <dt>READING</dt><dd>a ReadFile is pending: the client may send its next request.</dd>
 *   <dt>WRITING</dt><dd>a WriteFile is pending: replies (and pushes) are being written, and
 *       no request is read meanwhile, which is this engine's backpressure.</dd>
 *   <dt>FLUSHING</dt><dd>the session is over and a FlushFileBuffers is pending: what was
 *       written is leaving; then the instance disconnects and connects the next client. Only
 *       when the grace period is over does an instance disconnect without it.</dd>
 * </dl>
 * A frame pushed to a client that is READING (a broadcast from another session) cancels the
 * pending read (CancelIoEx); the aborted read finishes like any other, and the instance goes
 * WRITING. An operation that finishes at once leaves its event signalled, so the loop comes
 * back to it on the next wait exactly as for a pending one. The sample's ERROR_PIPE_CONNECTED
 * case, a client that came before ConnectNamedPipe, starts no operation, so
 * {@link #connectToNewClient} signals the event itself.
 *
 * <h2>Handlers</h2>
 * Every handler call runs on the loop thread, one at a time, so state shared between clients
 * needs no lock: the handler MUST NOT block, since it runs on the only I/O thread and every
 * client waits while it does. Other threads reach the loop by queueing a task and setting the
 * loop's wake event (the extra event a Win32 server adds to its wait array).
 *
 * <h2>When to choose it, and what it costs</h2>
 * Many clients and short, non-blocking handlers; shared state without locks (a game where one
 * player's move goes to all the others, a counter kept in one file). One thread, so no context
 * switch per message and memory per client is a buffer and a few objects; the price is that
 * one slow handler stalls everyone, and that the loop's code is a state machine rather than a
 * story. The wait is fair where Windows is not: WaitForMultipleObjects reports the lowest
 * signalled index, so a busy low-numbered instance could starve the rest; this loop starts
 * each wait after the instance it served last.
 *
 * <h2>On Linux</h2>
 * The instances are non-blocking AF_UNIX channels on one Selector (epoll). The wait performs
 * the ready reads and writes and sets the events of the operations they finish; a pending
 * connect is an accept waiting on the listening socket. There is no 64-handle limit, so
 * instances grow on demand up to {@code maxInstances}.
 *
 * <h2>On Windows</h2>
 * As in the sample: each instance is a pipe handle with a manual-reset event, ConnectNamedPipe,
 * ReadFile and WriteFile overlapped, and one WaitForMultipleObjects for any of the events. It
 * accepts at most 64 handles (MAXIMUM_WAIT_OBJECTS), and the sample never needs more. Past 63
 * instances the loop still waits in one WaitForMultipleObjects, on 62 instance events, its wake
 * event and a "group ready" event; each further group of 63 events has one waiter thread of its
 * own, which waits for any of them, reports the signalled one through "group ready", and waits
 * until the loop has taken it. This keeps the lesson's model (events, and one wait for any, on
 * the loop thread) at the price of one sleeping thread per 63 instances. The alternatives change
 * the model: RegisterWaitForSingleObject runs a thread-pool callback per signalled event, off the
 * loop; an I/O completion port replaces the events altogether (it is the completion engine's
 * idea, and the blocking style's transport here). See {@link OverlappedPipe}.
 */
public final class OverlappedPipeServer implements PipeServer {

    /** The engine's key. */
    public static final String KEY = "overlapped";

    private static final Logger log = LoggerFactory.getLogger(OverlappedPipeServer.class);
    /** The sample's INSTANCES: instances created at start; more are added as clients come. */
    static final int INITIAL_INSTANCES = 4;

    private static final Duration TICK = Duration.ofMillis(100);
    private static final Duration JOIN_MARGIN = Duration.ofSeconds(10);

    /** The sample's three states of an instance, and the flush before a graceful disconnect. */
    enum State {
        CONNECTING,
        READING,
        WRITING,
        FLUSHING
    }

    /** The sample's PIPEINST: one instance, its state, its session and its pending operation. */
    static final class PipeInst {
        final OverlappedInstance pipe;
        State state = State.CONNECTING;
        boolean pendingIO;
        LoopSession session;
        OutboundFrame writing; // the frame of the pending WriteFile

        PipeInst(OverlappedInstance pipe) {
            this.pipe = pipe;
        }
    }

    private final PipeServerConfig config;
    private final PipeHandler handler;
    private final PipeSystem pipes;
    private final ServerCounters counters = new ServerCounters();
    private final List<PipeInst> instances = new ArrayList<>(); // the loop's own
    private final List<OverlappedInstance> handles = new ArrayList<>(); // the wait array
    private volatile int[] census = new int[State.values().length]; // instances by state, as of the last sweep
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private int sessions; // instances with a session
    private int awaitingClient; // instances with a ConnectNamedPipe pending
    private final List<PipeInst> connectAgain = new ArrayList<>(); // whose ConnectNamedPipe failed at once
    private final ServerLifecycle lifecycle = new ServerLifecycle();
    private OverlappedPipe pipe;
    private Thread loopThread;
    private volatile boolean stopping;
    private final LoopTicker ticker = new LoopTicker(TICK);
    private volatile Throwable failure;

    OverlappedPipeServer(PipeServerConfig config, PipeHandler handler, PipeSystem pipes) {
        this.config = config;
        this.handler = handler;
        this.pipes = pipes;
    }

    @Override
    public PipeServer start() throws IOException {
        lifecycle.start(this, () -> {
            pipe = pipes.createOverlappedPipe(config);
            loopThread = Thread.ofPlatform().name("pipelab-overlapped-loop").start(this::loop);
        });
        log.info("overlapped server listening at {}", config.address());
        return this;
    }

    /** The sample's main loop: wait for any event, finish the pending step, start the next. */
    private void loop() {
        LoopBackoff backoff = new LoopBackoff();
        int next = 0;
        try {
            while (instances.size() < Math.min(INITIAL_INSTANCES, config.maxInstances()) && addInstance()) {
                // the sample's four instances, each with a connect started; a failure leaves fewer
            }
            while (!stopping || sessions > 0) {
                try {
                    int i = pipe.waitForAny(handles, next, TICK); // WaitForMultipleObjects
                    if (i == handles.size()) {
                        runTasks(); // the wake event: work queued by other threads
                    } else if (i != OverlappedPipe.WAIT_TIMEOUT) {
                        next = i + 1; // the next wait starts after this one: nobody starves
                        PipeInst p = instances.get(i);
                        if (p.pendingIO) {
                            if (finishPendingOperation(p)) { // GetOverlappedResult
                                startNextOperation(p);
                            }
                        } else {
                            if (p.state == State.CONNECTING) {
                                clientConnected(p); // ERROR_PIPE_CONNECTED: there was nothing to finish
                            }
                            startNextOperation(p);
                        }
                    }
                    if (ticker.sweepDue(i == OverlappedPipe.WAIT_TIMEOUT)) {
                        sweepDeadlines(ticker.sweepTime());
                    }
                    backoff.succeeded();
                } catch (IOException | RuntimeException e) {
                    log.warn("overlapped loop at {} failed", config.address(), e);
                    if (!backoff.failedAndPaused()) {
                        throw e;
                    }
                }
            }
        } catch (Throwable t) {
            failure = t;
            log.error("overlapped server at {} stops: its loop keeps failing", config.address(), t);
        } finally {
            instances.forEach(this::endSession);
            instances.forEach(p -> p.pipe.close());
            pipe.close();
        }
    }

    /**
     * GetOverlappedResult of the pending operation, and the end of its step.
     *
     * @return true when the instance should start its next operation
     */
    private boolean finishPendingOperation(PipeInst p) {
        try {
            if (!p.pipe.getOverlappedResult()) {
                return false; // ERROR_IO_INCOMPLETE: still pending
            }
            p.pendingIO = false;
            switch (p.state) {
                case CONNECTING -> {
                    awaitingClient--;
                    clientConnected(p);
                }
                case READING -> p.session.received(p.pipe.takeMessage()); // the handler answers
                case WRITING -> p.session.written(p.writing);
                case FLUSHING -> {
                    disconnectAndReconnect(p); // all written has left: nothing is lost now
                    return false;
                }
            }
            return true;
        } catch (OperationAbortedException e) {
            p.pendingIO = false; // a read cancelled because frames are waiting: go write them
            return true;
        } catch (ProtocolException e) {
            p.pendingIO = false;
            log.debug("session {}: protocol error: {}", p.session.id(), e.getMessage());
            p.session.fail(e.getMessage(), false);
            return true;
        } catch (IOException e) {
            p.pendingIO = false;
            return switch (p.state) {
                case CONNECTING -> { // the pipe was closed: this instance serves no more
                    awaitingClient--;
                    retire(p);
                    yield false;
                }
                case READING -> { // the client closed its end: write what it is owed, then part
                    log.debug("session {}: read ended: {}", p.session.id(), e.toString());
                    p.session.clientLeft();
                    yield true;
                }
                case WRITING, FLUSHING -> {
                    log.debug("session {}: {} failed, the client is gone: {}", p.session.id(), p.state, e.toString());
                    disconnectAndReconnect(p);
                    yield false;
                }
            };
        }
    }

    /** Starts WriteFile of the next queued frame, or ReadFile of the next request, or parts. */
    private void startNextOperation(PipeInst p) {
        if (p.state == State.CONNECTING) {
            return; // ConnectNamedPipe is pending, or this instance is retired
        }
        LoopSession session = p.session;
        OutboundFrame frame = session.outbound().poll();
        try {
            if (frame != null) {
                p.state = State.WRITING;
                p.writing = frame;
                if (frame.isError()) {
                    p.pipe.writeError(frame.errorReason()); // WriteFile
                } else {
                    p.pipe.write(frame.payload()); // WriteFile
                }
            } else if (session.isOpen() && !stopping) {
                p.state = State.READING;
                p.pipe.read(); // ReadFile
            } else {
                p.state = State.FLUSHING; // nothing more to say: let it leave, then disconnect
                p.pipe.flush(); // FlushFileBuffers
            }
            p.pendingIO = true; // finished at once or not, the event brings us back
        } catch (IOException e) {
            log.debug("session {}: {} failed at once: {}", session.id(), p.state, e.toString());
            disconnectAndReconnect(p);
        }
    }

    /** A client is connected on {@code p}: its session starts reading. */
    private void clientConnected(PipeInst p) {
        p.state = State.READING;
        p.session = new LoopSession(p.pipe.peer(), handler, new InstanceLoop(p), counters, config);
        sessions++;
        p.session.connected();
        if (stopping) {
            p.session.close();
        } else if (awaitingClient == 0 && instances.size() < config.maxInstances()) {
            addInstance(); // every instance is busy: one more waits for the next client
        }
    }

    /** The sample's ConnectToNewClient: an overlapped connect, pending or already done. */
    private void connectToNewClient(PipeInst p) {
        p.state = State.CONNECTING;
        try {
            if (p.pipe.connect()) { // ConnectNamedPipe
                // The client connected before ConnectNamedPipe (ERROR_PIPE_CONNECTED): no
                // operation was started, so signal the event ourselves; the loop takes it from there.
                p.pendingIO = false;
                p.pipe.event().set();
            } else {
                p.pendingIO = true; // ERROR_IO_PENDING
                awaitingClient++;
            }
        } catch (IOException e) {
            retire(p);
            if (!stopping) { // not the pipe being closed: the sweep tries again next tick
                log.warn("overlapped server at {}: ConnectNamedPipe failed: {}", config.address(), e.toString());
                connectAgain.add(p);
            }
        }
    }

    /** The sample's DisconnectAndReconnect: end the session, free the instance, wait for the next client. */
    private void disconnectAndReconnect(PipeInst p) {
        log.debug("{}: disconnecting {}", p.session, p.pipe);
        endSession(p);
        p.pipe.disconnect(); // DisconnectNamedPipe
        if (!stopping) {
            connectToNewClient(p);
        } else {
            retire(p);
        }
    }

    /** The instance serves no more clients: nothing pending, and no signal that would bring the loop back. */
    private void retire(PipeInst p) {
        p.state = State.CONNECTING;
        p.pendingIO = false;
        p.pipe.event().reset();
    }

    private void endSession(PipeInst p) {
        if (p.session != null) {
            sessions--;
            p.session.ended();
            p.session = null;
            p.writing = null;
        }
    }

    private boolean addInstance() {
        PipeInst p;
        try {
            p = new PipeInst(pipe.createInstance()); // CreateNamedPipe, CreateEvent
        } catch (IOException e) {
            log.warn("could not create another instance at {}", config.address(), e);
            return false;
        }
        instances.add(p);
        handles.add(p.pipe);
        connectToNewClient(p);
        return true;
    }

    private void runTasks() {
        for (Runnable task; (task = tasks.poll()) != null; ) {
            task.run();
        }
    }

    /**
     * Forces out sessions past their grace period, closes idle ones, and retries the connects
     * that failed at once; once a tick.
     */
    private void sweepDeadlines(long now) {
        List<PipeInst> again = List.copyOf(connectAgain);
        connectAgain.clear();
        again.forEach(this::connectToNewClient);
        int[] byState = new int[State.values().length];
        for (PipeInst p : instances) {
            byState[p.state.ordinal()]++;
            if (p.session != null) {
                switch (p.session.due(now)) {
                    case DISCONNECT -> disconnectAndReconnect(p); // the grace period is over
                    case CLOSE_IDLE -> p.session.close();
                    case NOTHING -> {}
                }
            }
        }
        census = byState; // for toString, which other threads call
    }

    /** Runs on the loop: stop accepting, ask every session to finish, give them the grace period. */
    private void beginStop() {
        stopping = true;
        pipe.stopAccepting();
        for (PipeInst p : instances) {
            if (p.session != null) {
                p.session.close();
            }
        }
    }

    @Override
    public void close() {
        if (!lifecycle.beginClose()) {
            return;
        }
        tasks.add(this::beginStop);
        pipe.wake();
        if (!Threads.join(loopThread, config.gracePeriod().plus(JOIN_MARGIN))) {
            log.warn("{}: the loop did not end in time", this);
        }
        log.info("overlapped server at {} closed: {}", config.address(), counters);
    }

    @Override
    public String strategy() {
        return KEY;
    }

    @Override
    public PipeAddress address() {
        return config.address();
    }

    @Override
    public PipeServerStats stats() {
        return counters.snapshot();
    }

    @Override
    public boolean isRunning() {
        return lifecycle.isOpen() && loopThread.isAlive();
    }

    @Override
    public String toString() {
        int[] byState = census;
        StringBuilder states = new StringBuilder();
        for (State state : State.values()) {
            states.append(", ").append(state).append('=').append(byState[state.ordinal()]);
        }
        return "OverlappedPipeServer[" + config.address() + ", instances="
                + Arrays.stream(byState).sum() + states + ", " + counters
                + (failure != null ? ", failed: " + failure : "") + "]";
    }

    /** How one instance's session reaches the loop: tasks with the wake event, and a nudge to write. */
    private final class InstanceLoop implements LoopSession.Loop {

        private final PipeInst p;

        InstanceLoop(PipeInst p) {
            this.p = p;
        }

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
            pipe.wake(); // SetEvent on the extra event at the end of the wait array
        }

        @Override
        public void outboundReady(LoopSession session) {
            if (p.session == session && p.state == State.READING && p.pendingIO) {
                p.pipe.cancelIo(); // CancelIoEx: the aborted read brings the loop back to write
            }
        }
    }
}
