package dev.pipelab.completion;

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
import dev.pipelab.spi.os.CompletionInstance;
import dev.pipelab.spi.os.CompletionPipe;
import dev.pipelab.spi.os.OperationAbortedException;
import dev.pipelab.spi.os.PipeEvent;
import dev.pipelab.spi.os.PipeSystem;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server using completion routines: <b>one thread serves every client</b>, and each read or
 * write names the routine to run when it finishes; the routines run inside the thread's
 * alertable wait. It is the SDK's "Named Pipe Server Using Completion Routines" sample, and
 * reads beside it.
 *
 * <h2>How it works</h2>
 * <ol>
 *   <li>The loop ({@link #loop}) creates one instance and starts an overlapped ConnectNamedPipe
 *       on it with the connect event ({@link #createAndConnectInstance}).
 *   <li>It waits on the connect event in an alertable wait (WaitForSingleObjectEx, bAlertable
 *       TRUE). The wait returns for one of two reasons:
 *       <ul>
 *         <li>the event is signalled: a client connected. The loop starts its session (the
 *             sample calls its write routine by hand to start the first ReadFileEx), and
 *             creates the next instance for the next client;
 *         <li>WAIT_IO_COMPLETION: completion routines (and APCs) ran inside the wait; the
 *             routines did the work. Windows reports completions before a signalled event, so
 *             the loop looks at the connect event here too: under a steady stream of
 *             completions the wait would never report a new client. (The SDK sample does not,
 *             and keeps a client that connects under load waiting until the load ends.)
 *       </ul>
 *   <li>{@link #completedReadRoutine}: a request arrived; the handler answers it, queueing
 *       replies, and {@link #continueSession} starts writing them (WriteFileEx).
 *   <li>{@link #completedWriteRoutine}: a frame was written; the next is written, or, when
 *       nothing is left, the next request is read (ReadFileEx).
 *   <li>When the session is over and everything is written, FlushFileBuffers lets the last
 *       replies leave ({@link #completedFlushRoutine}); then the instance is disconnected and
 *       closed ({@link #disconnectAndClose}), as it is at once after an error in either routine.
 *       Instances are not reused.
 * </ol>
 *
 * <h2>States</h2>
 * No state variable: an instance's state is which operations are outstanding (a read, a write,
 * the last flush), and the chain of routines carries it forward. A read is started only while nothing is being written, so a
 * client that does not read its replies is not read from (backpressure). A write may start
 * while a read is pending: a frame pushed from another session (a broadcast) goes out at once,
 * full duplex, without waiting for this client's next request.
 *
 * <h2>Handlers</h2>
 * Every handler call runs inside a routine on the loop thread, one at a time, so state shared
 * between clients needs no lock: the handler MUST NOT block, since it runs on the only I/O
 * thread. Another thread that wants the loop to do something queues an APC
 * ({@link CompletionPipe#queueUserApc}, QueueUserAPC); a session's {@code send} from another
 * thread does exactly that.
 *
 * <h2>When to choose it, and what it costs</h2>
 * As for {@code overlapped}: many clients, short handlers, shared state without locks. The
 * code is a chain of small routines instead of one state machine, and there is no wait array,
 * so no limit of 64 and no scan: finished operations arrive as a queue. The caveats are
 * Windows': routines run only on the thread that started the I/O and only while it waits
 * alertably, and APCs fit poorly with thread pools.
 *
 * <h2>On Linux</h2>
 * Linux has no APCs. The alertable wait is a Selector loop: it performs the ready reads and
 * writes, queues the routines of the operations they finish, and runs every queued routine and
 * APC before it returns, as Boost.Asio emulates completions on epoll.
 */
public final class CompletionPipeServer implements PipeServer {

    /** The engine's key. */
    public static final String KEY = "completion";

    private static final Logger log = LoggerFactory.getLogger(CompletionPipeServer.class);
    private static final Duration TICK = Duration.ofMillis(100);
    private static final Duration JOIN_MARGIN = Duration.ofSeconds(10);

    /**
     * The sample's PIPEINST: one instance, its session, and its outstanding operations. It is
     * also what its reads and writes complete with: the sample passes the same two functions
     * every time, and they find the instance from the OVERLAPPED they get; here the routine is
     * called on the instance, which passes itself on to them.
     */
    final class PipeInst implements CompletionInstance.ReadRoutine, CompletionInstance.WriteRoutine {
        final CompletionInstance pipe;
        LoopSession session;
        boolean reading; // a ReadFileEx is outstanding
        OutboundFrame writing; // the frame of the outstanding WriteFileEx, or null
        boolean flushing; // the last FlushFileBuffers is outstanding: the session is over

        PipeInst(CompletionInstance pipe) {
            this.pipe = pipe;
        }

        @Override // a ReadFileEx finished
        public void completed(IOException failure, byte[] request) {
            completedReadRoutine(this, failure, request);
        }

        @Override // a WriteFileEx finished
        public void completed(IOException failure) {
            completedWriteRoutine(this, failure);
        }
    }

    private final PipeServerConfig config;
    private final PipeHandler handler;
    private final PipeSystem pipes;
    private final ServerCounters counters = new ServerCounters();
    private final Set<PipeInst> connected = ConcurrentHashMap.newKeySet();
    private final ServerLifecycle lifecycle = new ServerLifecycle();
    private CompletionPipe pipe;
    private Thread loopThread;
    private PipeEvent connectEvent;
    private PipeInst connecting; // the instance for the next client
    private boolean pendingIO; // the sample's fPendingIO: connecting's ConnectNamedPipe is pending
    private volatile boolean stopping;
    private final LoopTicker ticker = new LoopTicker(TICK);
    private volatile Throwable failure;

    CompletionPipeServer(PipeServerConfig config, PipeHandler handler, PipeSystem pipes) {
        this.config = config;
        this.handler = handler;
        this.pipes = pipes;
    }

    @Override
    public PipeServer start() throws IOException {
        lifecycle.start(this, () -> {
            pipe = pipes.createCompletionPipe(config);
            loopThread = Thread.ofPlatform().name("pipelab-completion-loop").start(this::loop);
        });
        log.info("completion server listening at {}", config.address());
        return this;
    }

    /** The sample's main loop: an alertable wait on the connect event, forever. */
    private void loop() {
        LoopBackoff backoff = new LoopBackoff();
        try {
            connectEvent = pipe.createEvent(true); // manual-reset, initially signalled, as in the sample
            createAndConnectInstance();
            while (!stopping || !connected.isEmpty()) {
                try {
                    // WaitForSingleObjectEx(connectEvent, TICK, TRUE)
                    CompletionPipe.WaitResult woke = pipe.waitAlertable(connectEvent, TICK);
                    switch (woke) {
                        case SIGNALLED -> clientConnected();
                        case IO_COMPLETION -> {
                            // Routines and APCs ran inside the wait. Windows reports them before a
                            // signalled object, so while completions keep coming the wait never says
                            // SIGNALLED: look at the connect event as well (WaitForSingleObject(hEvent,
                            // 0)), or a client that connects under load waits for the load to end.
                            if (connectEvent.isSet()) {
                                clientConnected();
                            }
                        }
                        case TIMEOUT -> {}
                    }
                    if (ticker.sweepDue(woke == CompletionPipe.WaitResult.TIMEOUT)) {
                        sweepDeadlines(ticker.sweepTime());
                    }
                    backoff.succeeded();
                } catch (IOException | RuntimeException e) {
                    log.warn("completion loop at {} failed", config.address(), e);
                    if (!backoff.failedAndPaused()) {
                        throw e;
                    }
                }
            }
        } catch (Throwable t) {
            failure = t;
            log.error("completion server at {} stops: its loop keeps failing", config.address(), t);
        } finally {
            stopping = true;
            connected.forEach(this::disconnectAndClose);
            if (connecting != null) {
                connecting.pipe.close();
            }
            pipe.close();
        }
    }

    /**
     * The connect event is signalled: finish the connect, start the session with a first read,
     * and create the instance for the next client.
     */
    private void clientConnected() {
        connectEvent.reset();
        PipeInst p = connecting;
        if (p == null) {
            return; // the event was only the initial signal
        }
        try {
            if (pendingIO && !p.pipe.getOverlappedResult()) { // GetOverlappedResult of the connect
                return; // spurious: still pending
            }
        } catch (IOException e) {
            log.debug("connect ended: {}", e.toString()); // the pipe was closed: we are stopping
            connecting = null;
            pendingIO = false;
            p.pipe.close();
            return;
        }
        connecting = null;
        pendingIO = false;
        connected.add(p);
        p.session = new LoopSession(p.pipe.peer(), handler, new InstanceLoop(p), counters, config);
        p.session.connected();
        continueSession(p); // the sample calls CompletedWriteRoutine here: it starts the first read
        connectNext();
    }

    /** Another instance for the next client, unless there is one, maxInstances clients are connected, or we stop. */
    private void connectNext() {
        if (!stopping && connecting == null && connected.size() < config.maxInstances()) {
            createAndConnectInstance(); // otherwise clients wait in the backlog until a session ends
        }
    }

    /** The sample's CreateAndConnectInstance: a new instance and an overlapped connect. */
    private void createAndConnectInstance() {
        PipeInst p = null;
        try {
            p = new PipeInst(pipe.createInstance()); // CreateNamedPipe
            connecting = p;
            pendingIO = !p.pipe.connect(connectEvent); // ConnectNamedPipe
            if (!pendingIO) {
                // The client connected before ConnectNamedPipe (ERROR_PIPE_CONNECTED): no
                // operation was started, so signal the event ourselves.
                connectEvent.set();
            }
        } catch (IOException e) {
            if (!stopping) { // the sweep tries again next tick
                log.warn(
                        "completion server at {}: no instance for the next client: {}", config.address(), e.toString());
            }
            connecting = null;
            pendingIO = false;
            if (p != null) {
                p.pipe.close();
            }
        }
    }

    /** The sample's CompletedReadRoutine: a request arrived, or the read failed. */
    private void completedReadRoutine(PipeInst p, IOException failure, byte[] request) {
        p.reading = false;
        LoopSession session = p.session;
        if (session == null) {
            return; // the instance was closed meanwhile
        }
        if (failure == null && !session.isOpen()) {
            log.debug("session {}: a request after the session closed is not read", session.id());
        } else if (failure == null) {
            session.received(request); // the handler answers, queueing replies
        } else if (failure instanceof ProtocolException e) {
            log.debug("session {}: protocol error: {}", session.id(), e.getMessage());
            session.fail(e.getMessage(), false);
        } else if (!(failure instanceof OperationAbortedException)) {
            log.debug("session {}: read ended: {}", session.id(), failure.toString());
            session.clientLeft(); // write what it is owed, then part
        }
        continueSession(p);
    }

    /** The sample's CompletedWriteRoutine: a frame was written, or the write failed. */
    private void completedWriteRoutine(PipeInst p, IOException failure) {
        OutboundFrame frame = p.writing;
        p.writing = null;
        LoopSession session = p.session;
        if (session == null) {
            return;
        }
        if (failure != null) {
            log.debug("session {}: write failed, the client is gone: {}", session.id(), failure.toString());
            disconnectAndClose(p);
            return;
        }
        session.written(frame);
        continueSession(p);
    }

    /** The last routine of a session: what was written has left (or the client is gone); now part. */
    private void completedFlushRoutine(PipeInst p, IOException failure) {
        p.flushing = false;
        if (p.session == null) {
            return; // closed meanwhile: the grace period ran out
        }
        if (failure != null) {
            log.debug("session {}: flush failed, the client is gone: {}", p.session.id(), failure.toString());
        }
        disconnectAndClose(p);
    }

    /**
     * Starts what the session needs next: WriteFileEx of the next queued frame if no write is
     * outstanding; ReadFileEx of the next request if nothing is being written; or, when the
     * session is over and everything written, FlushFileBuffers, whose routine disconnects.
     */
    private void continueSession(PipeInst p) {
        LoopSession session = p.session;
        if (session == null) {
            return;
        }
        try {
            if (p.writing == null) {
                OutboundFrame frame = session.outbound().poll();
                if (frame != null) {
                    p.writing = frame;
                    if (frame.isError()) {
                        p.pipe.writeErrorEx(frame.errorReason(), p);
                    } else {
                        p.pipe.writeFileEx(frame.payload(), p);
                    }
                }
            }
            if (p.writing == null && session.isDone()) {
                if (!p.flushing) { // nothing more to say: let it leave, then part
                    p.flushing = true;
                    p.pipe.flushEx(f -> completedFlushRoutine(p, f)); // FlushFileBuffers
                }
            } else if (p.writing == null && !p.reading && session.isOpen()) {
                p.reading = true;
                p.pipe.readFileEx(p);
            }
        } catch (IOException e) {
            log.debug("session {}: I/O failed at once: {}", session.id(), e.toString());
            disconnectAndClose(p);
        }
    }

    /** The sample's DisconnectAndClose: end the session and close the instance for good. */
    private void disconnectAndClose(PipeInst p) {
        if (p.session != null) {
            p.session.ended();
            p.session = null;
        }
        connected.remove(p);
        p.pipe.close(); // DisconnectNamedPipe, CloseHandle: outstanding operations abort
        connectNext(); // if maxInstances held the next client back, it may come now
    }

    /**
     * Forces out sessions past their grace period, closes idle ones, and retries an instance
     * for the next client if creating one failed; once a tick.
     */
    private void sweepDeadlines(long now) {
        connectNext();
        for (PipeInst p : connected) {
            if (p.session != null) {
                switch (p.session.due(now)) {
                    case DISCONNECT -> disconnectAndClose(p); // the grace period is over
                    case CLOSE_IDLE -> p.session.close();
                    case NOTHING -> {}
                }
            }
        }
    }

    /** An APC: stop accepting, ask every session to finish, give them the grace period. */
    private void beginStop() {
        stopping = true;
        pipe.stopAccepting();
        for (PipeInst p : connected) {
            p.session.close();
        }
    }

    @Override
    public void close() {
        if (!lifecycle.beginClose()) {
            return;
        }
        pipe.queueUserApc(this::beginStop); // QueueUserAPC: the loop runs it in its alertable wait
        if (!Threads.join(loopThread, config.gracePeriod().plus(JOIN_MARGIN))) {
            log.warn("{}: the loop did not end in time", this);
        }
        log.info("completion server at {} closed: {}", config.address(), counters);
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
        return "CompletionPipeServer[" + config.address() + ", connected=" + connected.size() + ", " + counters
                + (failure != null ? ", failed: " + failure : "") + "]";
    }

    /** How one instance's session reaches the loop: APCs, and a nudge to write. */
    private final class InstanceLoop implements LoopSession.Loop {

        private final PipeInst p;

        InstanceLoop(PipeInst p) {
            this.p = p;
        }

        @Override
        public void execute(Runnable task) {
            pipe.queueUserApc(task); // QueueUserAPC
        }

        @Override
        public void outboundReady(LoopSession session) {
            if (p.session == session) {
                continueSession(p); // starts a write now, even while a read is outstanding
            }
        }
    }
}
