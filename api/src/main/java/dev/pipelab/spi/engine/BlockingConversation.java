package dev.pipelab.spi.engine;

import dev.pipelab.api.PeerIdentity;
import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.Session;
import dev.pipelab.api.protocol.ProtocolException;
import dev.pipelab.spi.os.PipeInstance;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's conversation over a blocking {@link PipeInstance}, as the SDK sample's
 * {@code InstanceThread} holds it: read a request (ReadFile), let the handler answer, write the
 * replies (WriteFile), repeat until the client leaves; then write what is still owed, flush it
 * (FlushFileBuffers) and disconnect (DisconnectNamedPipe, CloseHandle).
 *
 * <p>The thread that calls {@link #run} does all of that. Because it writes a request's replies
 * before it reads the next request, a client that sends without reading meets backpressure: its
 * thread blocks in WriteFile and reads nothing more. A message pushed by another session (a
 * broadcast) may arrive while that thread waits in ReadFile, so the first push starts a
 * companion writer thread for this session; from then on both write, one frame at a time under
 * one lock, in queue order. Clients that never receive pushes cost one thread.
 *
 * <p>Both thread-per-client engines run exactly this code; they differ only in the kind of
 * thread they give it.
 */
public final class BlockingConversation implements Session {

    private static final Logger log = LoggerFactory.getLogger(BlockingConversation.class);
    private static final Duration WRITER_EXIT = Duration.ofSeconds(5);

    private final long id;
    private final PipeInstance instance;
    private final PipeHandler handler;
    private final ServerCounters counters;
    private final OutboundQueue outbound;
    private final SessionClock clock;
    private final PipeServerConfig config;
    private boolean admitted; // the handler saw onConnect: it will see onDisconnect
    private volatile boolean clientGone; // a write failed: nothing more can reach the client
    private final ReentrantLock writing = new ReentrantLock();
    private final ReentrantLock writerStart =
            new ReentrantLock(); // a lock, not a monitor: a virtual thread waiting for it parks
    private ThreadStarter writers;
    private String writerName;
    private volatile Thread reader;
    private volatile Thread writer;

    /** A conversation with the client connected on {@code instance}; counts it as connected. */
    public BlockingConversation(
            PipeInstance instance, PipeHandler handler, PipeServerConfig config, ServerCounters counters) {
        this.instance = instance;
        this.handler = handler;
        this.counters = counters;
        this.outbound = new OutboundQueue(config.outboundQueueBytes(), counters);
        this.clock = new SessionClock(config);
        this.config = config;
        this.id = counters.connected();
    }

    /**
     * Holds the conversation on the calling thread; a writer for pushes, if one is needed, is
     * started by {@code writers} and called {@code writerName}. Returns when the client has
     * left or the session was closed, its owed frames written (or the connection forced closed
     * after the grace period, see {@link #due}), and the connection closed.
     */
    public void run(ThreadStarter writers, String writerName) {
        writerStart.lock();
        try {
            this.writers = writers;
            this.writerName = writerName;
        } finally {
            writerStart.unlock();
        }
        reader = Thread.currentThread();
        try {
            readLoop();
        } finally {
            clock.startClosing();
            outbound.finish();
            notifyDisconnect();
            writeOwed(); // what is still owed; bounded by the grace period
            joinWriter();
            flushBeforeDisconnect();
            instance.close(); // DisconnectNamedPipe + CloseHandle
            counters.disconnected();
        }
    }

    /**
     * FlushFileBuffers, as the sample does before DisconnectNamedPipe, which would discard what
     * the client has not read: within what is left of the grace period, and not at all once it is
     * over or the client is gone.
     */
    private void flushBeforeDisconnect() {
        java.time.Duration left = clock.graceLeft(System.nanoTime());
        if (clientGone || left.isZero()) {
            return;
        }
        try {
            if (!instance.flush(left)) {
                log.debug("session {}: not flushed within the grace period; disconnecting", id);
            }
        } catch (IOException e) {
            log.debug("session {}: flush failed, the client is gone: {}", id, e.toString());
        }
    }

    private void readLoop() {
        try {
            var refusal = config.refusal(instance.peer());
            if (refusal.isPresent()) {
                log.info("session {}: refused: {}", id, refusal.get());
                fail(refusal.get(), false);
                return;
            }
            admitted = true;
            if (!callHandler(() -> handler.onConnect(this)) || !writeOwed()) {
                return;
            }
            byte[] request;
            while ((request = instance.readMessage()) != null) { // ReadFile, a whole message
                clock.requestArrived();
                counters.messageIn();
                byte[] message = request;
                if (!callHandler(() -> handler.onMessage(this, message)) || !writeOwed()) {
                    return;
                }
            }
        } catch (ProtocolException e) {
            log.debug("session {}: protocol error: {}", id, e.getMessage());
            fail(e.getMessage(), false);
        } catch (IOException e) {
            log.debug("session {}: read ended: {}", id, e.toString()); // the client went away
        }
    }

    /**
     * WriteFile of every queued frame, in order, under the write lock; blocks while the client
     * does not read.
     *
     * @return false if the client is gone
     */
    private boolean writeOwed() {
        writing.lock();
        try {
            for (OutboundFrame frame; (frame = outbound.poll()) != null; ) {
                if (frame.isError()) {
                    instance.writeError(frame.errorReason());
                } else {
                    instance.writeMessage(frame.payload()); // WriteFile, a whole message
                    counters.messageOut();
                }
                outbound.written(frame);
            }
            return true;
        } catch (IOException e) {
            log.debug("session {}: write failed, the client is gone: {}", id, e.toString());
            clientGone = true;
            outbound.finish();
            close();
            return false;
        } finally {
            writing.unlock();
        }
    }

    /** The companion writer: writes pushes while the reader waits for requests. */
    private void writeLoop() {
        try {
            while (outbound.awaitFrames() && writeOwed()) {
                // each round writes whatever is queued
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void ensureWriter() {
        writerStart.lock();
        try {
            if (writer == null && writers != null) {
                writer = writers.start(writerName, this::writeLoop);
            }
        } finally {
            writerStart.unlock();
        }
    }

    private void joinWriter() {
        Thread w;
        writerStart.lock();
        try {
            w = writer;
            writers = null; // no writer starts after this
        } finally {
            writerStart.unlock();
        }
        if (w != null && !Threads.join(w, WRITER_EXIT)) {
            log.warn("session {}: writer {} did not end after its connection closed", id, w.getName());
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
            fail(HandlerFailures.reason(id, e), false);
            return false;
        }
    }

    private void notifyDisconnect() {
        if (!admitted) {
            return;
        }
        try {
            handler.onDisconnect(this);
        } catch (RuntimeException e) {
            log.warn("session {}: handler failed in onDisconnect", id, e);
        }
    }

    /**
     * What the server's timer should do about this session at {@code now}: disconnect it by
     * force when it has been closing for longer than the grace period (a client that reads
     * nothing keeps a WriteFile blocked), close it when idle, or nothing.
     */
    public SessionDue due(long now) {
        return clock.due(now);
    }

    /** Closes the connection now: a blocked read or write fails, and the threads end. */
    public void disconnect() {
        clock.startClosing();
        instance.close();
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
            return outbound.offerReply(message) == OutboundQueue.Offer.QUEUED; // written before the next read
        }
        return switch (outbound.offerPush(message)) {
            case QUEUED -> {
                ensureWriter();
                yield true;
            }
            case FINISHED -> false;
            case FULL -> {
                fail(
                        "outbound queue of session " + id + " over outboundQueueBytes=" + outbound.boundBytes()
                                + ": the client is not reading",
                        true); // the reader writes the error frame as it ends
                yield false;
            }
        };
    }

    @Override
    public void close() {
        if (clock.startClosing()) {
            instance.cancelRead(); // CancelIoEx: the reader sees the end and stops
        }
    }

    @Override
    public boolean isOpen() {
        return clock.isOpen();
    }

    @Override
    public String toString() {
        return "session " + id + " [" + instance.peer() + (clock.isOpen() ? "" : ", closing") + ", " + outbound + "]";
    }

    @FunctionalInterface
    private interface HandlerCall {
        void run() throws Exception;
    }
}
