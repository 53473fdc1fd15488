package dev.pipelab.spi.engine;

import dev.pipelab.api.PeerIdentity;
import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.Session;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session of a single-threaded engine. Its state belongs to the loop thread; other threads
 * only queue work for the loop ({@link Loop#execute}, the QueueUserAPC idea) and push frames
 * into the thread-safe {@link OutboundQueue}.
 *
 * <p>A message sent while the loop dispatches this session's own request is a reply; any other
 * is a push. When frames are queued outside a dispatch, the engine is told
 * ({@link Loop#outboundReady}) so it can start writing even while a read is pending.
 */
public final class LoopSession implements Session {

    private static final Logger log = LoggerFactory.getLogger(LoopSession.class);

    /** What a single-threaded engine offers its sessions. */
    public interface Loop {

        /** Runs {@code task} on the loop thread soon; from any thread, never blocks. */
        void execute(Runnable task);

        /** Frames were queued for {@code session} outside its dispatch; called on the loop thread. */
        void outboundReady(LoopSession session);
    }

    private final long id;
    private final PeerIdentity peer;
    private final PipeHandler handler;
    private final Loop loop;
    private final Thread loopThread; // the thread that made it: sends from it need no hand-off
    private final ServerCounters counters;
    private final OutboundQueue outbound;
    private final SessionClock clock;
    private final boolean idleTimed; // an idle timeout is set: the clock needs to hear of each request
    private final PipeServerConfig config;
    private boolean admitted; // the handler saw onConnect: it will see onDisconnect
    private boolean dispatching;
    private boolean ended;

    /**
     * A new session of a server with {@code config}; counts it as connected. Call on the loop
     * thread: the session takes the calling thread for its loop's.
     */
    public LoopSession(
            PeerIdentity peer, PipeHandler handler, Loop loop, ServerCounters counters, PipeServerConfig config) {
        this.peer = peer;
        this.handler = handler;
        this.loop = loop;
        this.loopThread = Thread.currentThread();
        this.counters = counters;
        this.outbound = new OutboundQueue(config.outboundQueueBytes(), counters);
        this.clock = new SessionClock(config);
        this.idleTimed = config.idleTimeout().isPositive();
        this.config = config;
        this.id = counters.connected();
    }

    /** The frames waiting to be written. */
    public OutboundQueue outbound() {
        return outbound;
    }

    /**
     * Admits the client if the allow-list lets it in and runs the handler's onConnect; a refusal
     * or a failure ends the session with an error frame.
     */
    public void connected() {
        var refusal = config.refusal(peer);
        if (refusal.isPresent()) {
            log.info("session {}: refused: {}", id, refusal.get());
            fail(refusal.get(), false);
            return;
        }
        admitted = true;
        dispatch(() -> handler.onConnect(this));
    }

    /** Runs the handler on one request; a failure ends the session with an error frame. */
    public void received(byte[] request) {
        if (idleTimed) {
            clock.requestArrived(); // otherwise nobody asks when the last request came: one object fewer to touch
        }
        counters.messageIn();
        dispatching = true; // as dispatch does, without a lambda allocated per message
        try {
            handler.onMessage(this, request);
        } catch (Exception e) {
            handlerFailed(e);
        } finally {
            dispatching = false;
        }
    }

    private void dispatch(HandlerCall call) {
        dispatching = true;
        try {
            call.run();
        } catch (Exception e) {
            handlerFailed(e);
        } finally {
            dispatching = false;
        }
    }

    private void handlerFailed(Exception e) {
        fail(HandlerFailures.reason(id, e), false);
    }

    /** The client broke the protocol, or the handler failed: one error frame, then the end. */
    public void fail(String reason, boolean dropQueued) {
        clock.startClosing(); // first, as everywhere: the queue is finished only once the clock is closing
        if (outbound.finishWithError(reason, dropQueued)) {
            counters.errorFrame();
        }
    }

    /** The client closed its end: write what is owed, within the grace period, then end. */
    public void clientLeft() {
        clock.startClosing();
        outbound.finish();
    }

    /**
     * The session is over and its connection closed: runs onDisconnect once. Call on the loop
     * thread.
     */
    public void ended() {
        if (ended) {
            return;
        }
        ended = true;
        clock.startClosing();
        outbound.finish();
        counters.disconnected();
        if (!admitted) {
            return;
        }
        try {
            handler.onDisconnect(this);
        } catch (RuntimeException e) {
            log.warn("session {}: handler failed in onDisconnect", id, e);
        }
    }

    /** True while there is nothing more to write and the session is finished. */
    public boolean isDone() {
        // An open session's queue is not finished (it is finished only after the clock starts
        // closing): so the engine asks this after each operation without taking the queue's lock.
        return !clock.isOpen() && outbound.isFinished() && outbound.queuedBytes() == 0;
    }

    /** What is due for this session at {@code now}: a forced disconnect, an idle close, or nothing. */
    public SessionDue due(long now) {
        return clock.due(now);
    }

    /** Counts one frame as written and removes it from the queue's account. */
    public void written(OutboundFrame frame) {
        outbound.written(frame);
        if (!frame.isError()) {
            counters.messageOut();
        }
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public PeerIdentity peer() {
        return peer;
    }

    @Override
    public boolean send(byte[] message) {
        Objects.requireNonNull(message, "message");
        if (inLoop()) {
            OutboundQueue.Offer offer = dispatching ? outbound.offerReply(message) : outbound.offerPush(message);
            return switch (offer) {
                case QUEUED -> {
                    if (!dispatching) {
                        loop.outboundReady(this);
                    }
                    yield true;
                }
                case FULL -> {
                    overflow();
                    yield false;
                }
                case FINISHED -> false;
            };
        }
        return switch (outbound.offerPush(message)) {
            case QUEUED -> {
                loop.execute(() -> loop.outboundReady(this));
                yield true;
            }
            case FULL -> {
                loop.execute(this::overflow);
                yield false;
            }
            case FINISHED -> false;
        };
    }

    /**
     * True on the loop thread. Asked of the session, not of its loop, on every send: the loop
     * object is one more of the client's objects a message would otherwise touch.
     */
    private boolean inLoop() {
        return Thread.currentThread() == loopThread;
    }

    private void overflow() {
        fail(
                "outbound queue of session " + id + " over outboundQueueBytes=" + outbound.boundBytes()
                        + ": the client is not reading",
                true);
        loop.outboundReady(this);
    }

    @Override
    public void close() {
        if (inLoop()) {
            closeInLoop();
        } else {
            loop.execute(this::closeInLoop);
        }
    }

    private void closeInLoop() {
        if (clock.startClosing()) {
            outbound.finish();
            loop.outboundReady(this);
        }
    }

    @Override
    public boolean isOpen() {
        return clock.isOpen();
    }

    @Override
    public String toString() {
        return "session " + id + " [" + peer + (clock.isOpen() ? "" : ", closing") + ", " + outbound + "]";
    }

    @FunctionalInterface
    private interface HandlerCall {
        void run() throws Exception;
    }
}
