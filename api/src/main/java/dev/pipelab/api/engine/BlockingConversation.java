package dev.pipelab.api.engine;

import dev.pipelab.api.PeerIdentity;
import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.Session;
import dev.pipelab.api.os.PipeInstance;
import dev.pipelab.api.protocol.ProtocolException;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's conversation over a blocking {@link PipeInstance}, as the SDK sample's
 * {@code InstanceThread} holds it: read a request, let the handler answer, repeat until the
 * client leaves; then write what is owed and disconnect.
 *
 * <p>The thread that calls {@link #run} reads and runs the handler. A companion thread writes
 * the session's {@link OutboundQueue}, so that a message pushed by another session reaches this
 * client while its reader waits for the next request (the sample's pipe is half-duplex; ours
 * is not). While replies cannot be written the reader reads no further request: that is the
 * backpressure a client that sends without reading meets.
 *
 * <p>Both thread-per-client engines run exactly this code; they differ only in the kind of
 * thread they give it.
 */
public final class BlockingConversation implements Session {

    private static final Logger log = LoggerFactory.getLogger(BlockingConversation.class);
    private static final Duration FORCED_WRITER_EXIT = Duration.ofSeconds(5);

    private final long id;
    private final PipeInstance instance;
    private final PipeHandler handler;
    private final ServerCounters counters;
    private final Duration gracePeriod;
    private final OutboundQueue outbound;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private volatile Thread reader;
    private volatile long lastRequestNanos = System.nanoTime();

    /** A conversation with the client connected on {@code instance}; counts it as connected. */
    public BlockingConversation(PipeInstance instance, PipeHandler handler, PipeServerConfig config,
            ServerCounters counters) {
        this.instance = instance;
        this.handler = handler;
        this.counters = counters;
        this.gracePeriod = config.gracePeriod();
        this.outbound = new OutboundQueue(config.outboundQueueBytes(), counters);
        this.id = counters.connected();
    }

    /**
     * Holds the conversation on the calling thread, with a writer started by {@code writers}
     * and called {@code writerName}. Returns when the client has left or the session was
     * closed, its owed frames written or the grace period over, and the connection closed.
     */
    public void run(ThreadStarter writers, String writerName) {
        reader = Thread.currentThread();
        Thread writer = writers.start(writerName, this::writeLoop);
        try {
            readLoop();
        } finally {
            open.set(false);
            outbound.finish();
            notifyDisconnect();
            finishWriting(writer);
            instance.close(); // DisconnectNamedPipe + CloseHandle
            counters.disconnected();
        }
    }

    private void readLoop() {
        try {
            if (!callHandler(() -> handler.onConnect(this))) {
                return;
            }
            byte[] request;
            while ((request = instance.readMessage()) != null) { // ReadFile, a whole message
                lastRequestNanos = System.nanoTime();
                counters.messageIn();
                byte[] message = request;
                if (!callHandler(() -> handler.onMessage(this, message))) {
                    return;
                }
                outbound.awaitRoom(); // backpressure: read no more while replies back up
            }
        } catch (ProtocolException e) {
            log.debug("session {}: protocol error: {}", id, e.getMessage());
            fail(e.getMessage(), false);
        } catch (IOException e) {
            log.debug("session {}: read ended: {}", id, e.toString()); // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is stopping now
        }
    }

    private void writeLoop() {
        try {
            OutboundFrame frame;
            while ((frame = outbound.take()) != null) {
                if (frame.isError()) {
                    instance.writeError(frame.errorReason());
                } else {
                    instance.writeMessage(frame.payload()); // WriteFile, a whole message
                    counters.messageOut();
                }
                outbound.written(frame);
            }
        } catch (IOException e) {
            log.debug("session {}: write failed, the client is gone: {}", id, e.toString());
            outbound.finish();
            close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Gives the writer the grace period to empty the queue, then forces the connection closed. */
    private void finishWriting(Thread writer) {
        if (!Threads.join(writer, gracePeriod)) {
            log.debug("session {}: owed frames not written within {}, closing: {}", id, gracePeriod, outbound);
            instance.close(); // fails the blocked write
            if (!Threads.join(writer, FORCED_WRITER_EXIT)) {
                log.warn("session {}: writer {} did not end after its connection closed", id, writer.getName());
            }
        }
    }

    private void fail(String reason, boolean dropQueued) {
        if (outbound.finishWithError(reason, dropQueued)) {
            counters.errorFrame();
        }
        close();
    }

    private boolean callHandler(HandlerCall call) {
        try {
            call.run();
            return true;
        } catch (Exception e) {
            log.warn("session {}: handler failed", id, e);
            fail("handler failed: " + e, false);
            return false;
        }
    }

    private void notifyDisconnect() {
        try {
            handler.onDisconnect(this);
        } catch (RuntimeException e) {
            log.warn("session {}: handler failed in onDisconnect", id, e);
        }
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public PeerIdentity peer() {
        return instance.peer();
    }

    @Override
    public boolean send(byte[] message) {
        Objects.requireNonNull(message, "message");
        if (Thread.currentThread() == reader) {
            return outbound.offerReply(message) == OutboundQueue.Offer.QUEUED;
        }
        return switch (outbound.offerPush(message)) {
            case QUEUED -> true;
            case FINISHED -> false;
            case FULL -> {
                fail("outbound queue of session " + id + " over outboundQueueBytes=" + outbound.boundBytes()
                        + ": the client is not reading", true);
                yield false;
            }
        };
    }

    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            instance.cancelRead(); // CancelIoEx: the reader sees the end and stops
        }
        outbound.release();
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    /** Nanoseconds since the last request arrived (or the connect), as of {@code now}. */
    public long idleNanos(long now) {
        return now - lastRequestNanos;
    }

    /** Bytes queued for this client now. */
    public long queuedBytes() {
        return outbound.queuedBytes();
    }

    @Override
    public String toString() {
        return "session " + id + " [" + instance.peer() + (isOpen() ? "" : ", closing") + ", " + outbound + "]";
    }

    @FunctionalInterface
    private interface HandlerCall {
        void run() throws Exception;
    }
}
