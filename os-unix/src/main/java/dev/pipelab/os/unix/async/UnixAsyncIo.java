package dev.pipelab.os.unix.async;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The engine room of the overlapped and completion styles on Unix, whatever the transport: the
 * listening socket and every instance share one poller. Operations register interest; {@link
 * #poll} performs whatever I/O is ready and finishes the operations it completes, which signal
 * their event or queue their routine. One thread owns it: the first that waits.
 *
 * <p>What is here is the part every transport shares: ownership, events, APCs, the instances
 * waiting for a client, the replies gathered to send before blocking, the buffers. How sockets
 * are polled, accepted, read and written is the transport's: a subclass ({@code UnixSelectorIo}
 * on the JDK's Selector, {@code LinuxEpollIo} on epoll through the foreign-function API) and
 * its {@link UnixConnection}s. A server process runs one transport, so each of these calls has
 * one target there and the JIT inlines it: sharing the state machine costs the NIO path no
 * indirection it measures.
 */
public abstract class UnixAsyncIo {

    /** What every read of the owning thread goes through: as much as one read takes from a busy socket. */
    protected static final int READ_BUFFER_BYTES = 64 * 1024;
    /** What an instance's outbound bytes start in; the loop keeps a few spare, so they are not allocated (and zeroed) each write. */
    private static final int OUTBOUND_BUFFER_BYTES = 4 * 1024;

    private static final int SPARE_OUTBOUND_BUFFERS = 64;

    private final UnixListener<?> listener;
    private final Queue<UnixAsyncInstance> awaitingClient = new ArrayDeque<>();
    private final Queue<UnixAsyncInstance> gathered = new ArrayDeque<>(); // replies gathered, to send before blocking
    private final ArrayDeque<Runnable> apcs = new ArrayDeque<>(); // the owning thread's, in order
    private final Queue<Runnable> remoteApcs = new ConcurrentLinkedQueue<>(); // other threads' (QueueUserAPC)
    private final Queue<UnixEvent> remoteSignals = new ConcurrentLinkedQueue<>();
    private final BitSet signalledInstances = new BitSet();
    private final ByteBuffer readBuffer;
    private final ArrayDeque<ByteBuffer> spareOutboundBuffers = new ArrayDeque<>();
    private volatile Thread owner;
    private int instances;
    private long finished; // operations finished on the owning thread: events set, routines queued

    /**
     * @param listener the claimed endpoint
     * @param readBuffer the one buffer every read of the owning thread goes through, of
     *     {@link #READ_BUFFER_BYTES}: direct, so that the kernel writes into it without a copy
     */
    protected UnixAsyncIo(UnixListener<?> listener, ByteBuffer readBuffer) {
        this.listener = listener;
        this.readBuffer = readBuffer;
    }

    // ---- the transport

    /**
     * accept(2) through the listener ({@link UnixListener#accept}): the next client, not yet
     * registered, or null when none is waiting or accepting is paused.
     *
     * @throws ClosedChannelException once the listener is closed
     */
    protected abstract UnixConnection accept() throws IOException;

    /** Asks the poller to report the listener ready while {@code wanted}; a transport may already know it is. */
    protected abstract void acceptInterest(boolean wanted);

    /** True while I/O reported ready (by the last select, or known to be ready) is left to perform. */
    protected abstract boolean hasReady();

    /**
     * Asks the kernel what is ready, waiting up to {@code timeoutMillis} (0: without blocking).
     *
     * @return true if anything is ready to perform
     */
    protected abstract boolean select(long timeoutMillis) throws IOException;

    /**
     * Performs one piece of the ready I/O: calls {@link #acceptReady()}, or
     * {@link UnixAsyncInstance#performRead()} and {@link UnixAsyncInstance#performWrite()}.
     */
    protected abstract void performNext() throws IOException;

    /** Wakes a thread blocked in {@link #poll}; from any thread. */
    protected abstract void wakeup();

    /** Releases the poller; the listener is closed already. */
    protected abstract void closePoller();

    // ---- buffers

    /** The one buffer every read of the owning thread goes through; its contents last until the next read. */
    public final ByteBuffer readBuffer() {
        return readBuffer;
    }

    /** An empty buffer for at least {@code bytes} an instance is to send: a spare one when it fits. */
    ByteBuffer outboundBuffer(int bytes) {
        ByteBuffer spare = bytes <= OUTBOUND_BUFFER_BYTES ? spareOutboundBuffers.poll() : null;
        return spare != null ? spare.clear() : ByteBuffer.allocate(Math.max(bytes, OUTBOUND_BUFFER_BYTES));
    }

    /** Takes back an outbound buffer that has been sent and is referenced no more. */
    void recycle(ByteBuffer sent) {
        if (sent.capacity() == OUTBOUND_BUFFER_BYTES && spareOutboundBuffers.size() < SPARE_OUTBOUND_BUFFERS) {
            spareOutboundBuffers.push(sent);
        }
    }

    /** The claimed endpoint. */
    public final UnixListener<?> listener() {
        return listener;
    }

    /** The next instance ordinal. */
    final int nextOrdinal() {
        return instances++;
    }

    // ---- ownership

    /**
     * Binds the io to the calling thread on its first use by the loop (creating an instance or
     * waiting); refuses every other thread after.
     */
    final void checkOwner() {
        Thread me = Thread.currentThread();
        if (owner == null) {
            owner = me;
        } else if (owner != me) {
            throw new IllegalStateException("this pipe belongs to thread " + owner.getName()
                    + "; only that thread may wait and start operations, not " + me.getName());
        }
    }

    /**
     * True on the owning thread only: before the loop binds the io, every thread is a foreign
     * one, whose signals and APCs go through the queues the loop empties.
     */
    final boolean isOwner() {
        return owner == Thread.currentThread();
    }

    // ---- events

    /** {@code event} was set on the owning thread: its instance is marked for the next scan. */
    final void signalledByOwner(UnixEvent event) {
        finished++;
        if (event.ordinal() >= 0) {
            signalledInstances.set(event.ordinal());
        }
    }

    /** {@code event} was set on another thread: the loop wakes, and marks its instance at its next scan. */
    final void signalledElsewhere(UnixEvent event) {
        if (event.ordinal() >= 0) {
            remoteSignals.add(event);
        }
        wakeup();
    }

    /** {@code event} was reset on the owning thread. */
    final void resetByOwner(UnixEvent event) {
        if (event.ordinal() >= 0) {
            signalledInstances.clear(event.ordinal());
        }
    }

    /** The lowest signalled instance ordinal at or after {@code from}, not wrapping; -1 if none. */
    final int nextSignalledFrom(int from) {
        for (UnixEvent e; (e = remoteSignals.poll()) != null; ) {
            if (e.ordinal() >= 0 && e.isSet()) {
                signalledInstances.set(e.ordinal());
            }
        }
        return signalledInstances.nextSetBit(Math.max(0, from));
    }

    /** The lowest signalled instance ordinal at or after {@code from}, wrapping; -1 if none. */
    final int nextSignalled(int from) {
        int i = nextSignalledFrom(from);
        return i >= 0 ? i : signalledInstances.nextSetBit(0);
    }

    // ---- connects

    /**
     * A client already waiting, if no instance is queued before us (ERROR_PIPE_CONNECTED); null
     * if none is, or accepting rests after a failed accept (the connect is then pending).
     */
    final UnixConnection tryAccept() throws IOException {
        if (!listener.isOpen()) {
            throw new ClosedChannelException();
        }
        return awaitingClient.isEmpty() ? accept() : null;
    }

    final void awaitClient(UnixAsyncInstance instance) {
        awaitingClient.add(instance);
        updateAcceptInterest();
    }

    final void forget(UnixAsyncInstance instance) {
        awaitingClient.remove(instance);
        updateAcceptInterest();
    }

    /** Hands waiting clients to the instances waiting for one; the transport calls it when the listener is ready. */
    protected final void acceptReady() throws IOException {
        if (!listener.isOpen()) {
            return;
        }
        while (!awaitingClient.isEmpty()) {
            UnixConnection client = accept();
            if (client == null) {
                break; // none waiting, or accepting paused after a failure
            }
            awaitingClient.poll().connected(client);
        }
        updateAcceptInterest();
    }

    /** Asks for clients while a connect is pending and accepting is not paused. */
    private void updateAcceptInterest() {
        acceptInterest(!awaitingClient.isEmpty() && !listener.isPaused());
    }

    /** Closes the listening socket; every pending connect fails. */
    public final void stopAccepting() {
        listener.close();
        for (UnixAsyncInstance waiting; (waiting = awaitingClient.poll()) != null; ) {
            waiting.connectFailed(new ClosedChannelException());
        }
    }

    // ---- the wait

    /**
     * One step of the wait: performs the ready I/O left from the last select until an operation
     * finishes (its event set or its routine queued), so that the caller serves that instance
     * while its socket is still warm in the cache, before the next one's I/O; with nothing left,
     * selects for up to {@code timeoutMillis} (0: without blocking) first. Doing every ready read
     * before serving any would touch each socket twice far apart, which at thousands of clients
     * costs the kernel a cache miss per message.
     */
    final void poll(long timeoutMillis) throws IOException {
        long finishedBefore = finished;
        long pauseLeft = listener.pauseMillisLeft();
        if (pauseLeft > 0) {
            timeoutMillis = Math.min(timeoutMillis, pauseLeft); // wake up to accept again when the pause ends
        } else if (!awaitingClient.isEmpty()) {
            updateAcceptInterest(); // the pause may be over
        }
        if (!hasReady()) {
            if (timeoutMillis > 0) {
                // Replies gather only while a whole request of their client waits here, so the
                // engine serves that client again at once and the last reply sends them all;
                // this is the net under that, before a wait that may block.
                for (UnixAsyncInstance instance; (instance = gathered.poll()) != null; ) {
                    instance.sendGathered();
                }
            }
            if (finished != finishedBefore) {
                return; // a failed send ended a pending read
            }
            if (!select(timeoutMillis)) {
                return;
            }
        }
        while (hasReady() && finished == finishedBefore) {
            performNext();
        }
    }

    /** Sends the replies {@code instance} gathered before the loop next waits. */
    final void sendBeforeWaiting(UnixAsyncInstance instance) {
        gathered.add(instance);
    }

    // ---- APCs

    final void queueApc(Runnable apc) {
        if (isOwner()) {
            apcs.add(apc);
            finished++;
        } else {
            remoteApcs.add(apc);
            wakeup();
        }
    }

    /** Runs the APCs queued before this call, the owning thread's and then other threads'; true if any ran. */
    final boolean runApcs() {
        for (Runnable apc; (apc = remoteApcs.poll()) != null; ) {
            apcs.add(apc);
        }
        int n = apcs.size();
        for (int i = 0; i < n; i++) {
            apcs.poll().run();
        }
        return n > 0;
    }

    /** Stops accepting and releases the poller. */
    public final void close() {
        stopAccepting();
        closePoller();
    }
}
