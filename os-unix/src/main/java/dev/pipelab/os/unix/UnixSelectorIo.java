package dev.pipelab.os.unix;

import dev.pipelab.api.PipeServerConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The engine room of the overlapped and completion styles on Unix: one Selector (epoll) for
 * the listening socket and every instance. Operations register interest; {@link #poll}
 * performs whatever I/O is ready and finishes the operations it completes, which signal their
 * event or queue their routine. One thread owns it: the first that waits.
 */
final class UnixSelectorIo {

    /** What every read of the owning thread goes through: as much as one read takes from a busy socket. */
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    /** What a send copies into at most, so that the kernel reads it from memory it can map directly. */
    private static final int WRITE_BUFFER_BYTES = 64 * 1024;
    /** What an instance's outbound bytes start in; the loop keeps a few spare, so they are not allocated (and zeroed) each write. */
    private static final int OUTBOUND_BUFFER_BYTES = 4 * 1024;

    private static final int SPARE_OUTBOUND_BUFFERS = 64;

    private final UnixListener listener;
    private final Selector selector;
    private final SelectionKey listenerKey;
    private final Queue<UnixAsyncInstance> awaitingClient = new ArrayDeque<>();
    private final Queue<UnixAsyncInstance> gathered = new ArrayDeque<>(); // replies gathered, to send before blocking
    private final Queue<Runnable> apcs = new ConcurrentLinkedQueue<>();
    private final Queue<UnixEvent> remoteSignals = new ConcurrentLinkedQueue<>();
    private final BitSet signalledInstances = new BitSet();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
    private final ArrayDeque<ByteBuffer> spareOutboundBuffers = new ArrayDeque<>();
    private volatile Thread owner;
    private int instances;
    private Iterator<SelectionKey> ready = Collections.emptyIterator(); // selected keys not yet performed
    private long finished; // operations finished on the owning thread: events set, routines queued

    private UnixSelectorIo(UnixListener listener, Selector selector, SelectionKey listenerKey) {
        this.listener = listener;
        this.selector = selector;
        this.listenerKey = listenerKey;
    }

    /** Claims the endpoint of {@code config} and the selector its instances share; on failure, neither. */
    static UnixSelectorIo claim(PipeServerConfig config) throws IOException {
        UnixListener listener = UnixListener.claim(config);
        Selector selector = null;
        try {
            selector = Selector.open();
            listener.channel().configureBlocking(false);
            return new UnixSelectorIo(listener, selector, listener.channel().register(selector, 0));
        } catch (IOException | RuntimeException e) {
            if (selector != null) {
                selector.close();
            }
            listener.close();
            throw e;
        }
    }

    /** The one buffer every read of the owning thread goes through; its contents last until the next read. */
    ByteBuffer readBuffer() {
        return readBuffer;
    }

    /**
     * The one buffer sends of the owning thread copy through, for the length of one write call;
     * what the socket does not take stays in the instance's own outbound buffer.
     */
    ByteBuffer writeBuffer() {
        return writeBuffer;
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

    UnixListener listener() {
        return listener;
    }

    Selector selector() {
        return selector;
    }

    /** The next instance ordinal. */
    int nextOrdinal() {
        return instances++;
    }

    // ---- ownership

    /**
     * Binds the io to the calling thread on its first use by the loop (creating an instance or
     * waiting); refuses every other thread after.
     */
    void checkOwner() {
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
    boolean isOwner() {
        return owner == Thread.currentThread();
    }

    // ---- events

    void signalled(UnixEvent event) {
        if (isOwner()) {
            finished++;
            if (event.ordinal() >= 0) {
                signalledInstances.set(event.ordinal());
            }
        } else {
            if (event.ordinal() >= 0) {
                remoteSignals.add(event); // the loop marks its instance signalled at its next scan
            }
            selector.wakeup();
        }
    }

    void reset(UnixEvent event) {
        if (event.ordinal() >= 0 && isOwner()) {
            signalledInstances.clear(event.ordinal());
        }
    }

    /** The lowest signalled instance ordinal at or after {@code from}, not wrapping; -1 if none. */
    int nextSignalledFrom(int from) {
        for (UnixEvent e; (e = remoteSignals.poll()) != null; ) {
            if (e.ordinal() >= 0 && e.isSet()) {
                signalledInstances.set(e.ordinal());
            }
        }
        return signalledInstances.nextSetBit(Math.max(0, from));
    }

    /** The lowest signalled instance ordinal at or after {@code from}, wrapping; -1 if none. */
    int nextSignalled(int from) {
        int i = nextSignalledFrom(from);
        return i >= 0 ? i : signalledInstances.nextSetBit(0);
    }

    // ---- connects

    /**
     * A client already waiting, if no instance is queued before us (ERROR_PIPE_CONNECTED); null
     * if none is, or accepting rests after a failed accept (the connect is then pending).
     */
    SocketChannel tryAccept() throws IOException {
        if (!listener.isOpen()) {
            throw new ClosedChannelException();
        }
        return awaitingClient.isEmpty() ? listener.accept() : null;
    }

    void awaitClient(UnixAsyncInstance instance) {
        awaitingClient.add(instance);
        updateAcceptInterest();
    }

    void forget(UnixAsyncInstance instance) {
        awaitingClient.remove(instance);
        updateAcceptInterest();
    }

    private void acceptReady() throws IOException {
        while (!awaitingClient.isEmpty()) {
            SocketChannel client = listener.accept();
            if (client == null) {
                break; // none waiting, or accepting paused after a failure
            }
            awaitingClient.poll().connected(client);
        }
        updateAcceptInterest();
    }

    /** Asks the selector for clients while a connect is pending and accepting is not paused. */
    private void updateAcceptInterest() {
        if (listenerKey.isValid()) {
            int wanted = !awaitingClient.isEmpty() && !listener.isPaused() ? SelectionKey.OP_ACCEPT : 0;
            if (listenerKey.interestOps() != wanted) {
                listenerKey.interestOps(wanted);
            }
        }
    }

    /** Closes the listening socket; every pending connect fails. */
    void stopAccepting() {
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
    void poll(long timeoutMillis) throws IOException {
        long finishedBefore = finished;
        long pauseLeft = listener.pauseMillisLeft();
        if (pauseLeft > 0) {
            timeoutMillis = Math.min(timeoutMillis, pauseLeft); // wake up to accept again when the pause ends
        } else if (listenerKey.isValid() && listenerKey.interestOps() == 0 && !awaitingClient.isEmpty()) {
            updateAcceptInterest(); // the pause is over
        }
        if (!ready.hasNext()) {
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
            int n = timeoutMillis <= 0 ? selector.selectNow() : selector.select(timeoutMillis);
            if (n == 0) {
                return;
            }
            ready = selector.selectedKeys().iterator();
        }
        while (ready.hasNext() && finished == finishedBefore) {
            SelectionKey key = ready.next();
            ready.remove();
            if (!key.isValid()) {
                continue;
            }
            if (key == listenerKey) {
                if (listener.isOpen()) {
                    acceptReady();
                }
                continue;
            }
            UnixAsyncInstance instance = (UnixAsyncInstance) key.attachment();
            if (key.isReadable()) {
                instance.performRead();
            }
            if (key.isValid() && key.isWritable()) {
                instance.performWrite();
            }
        }
    }

    /** Sends the replies {@code instance} gathered before the loop next waits. */
    void sendBeforeWaiting(UnixAsyncInstance instance) {
        gathered.add(instance);
    }

    /** Wakes a thread blocked in {@link #poll}. */
    void wakeup() {
        selector.wakeup();
    }

    // ---- APCs

    void queueApc(Runnable apc) {
        apcs.add(apc);
        if (isOwner()) {
            finished++;
        } else {
            selector.wakeup();
        }
    }

    /** Runs the APCs queued before this call; true if any ran. */
    boolean runApcs() {
        int n = apcs.size();
        boolean ran = false;
        for (int i = 0; i < n; i++) {
            Runnable apc = apcs.poll();
            if (apc == null) {
                break;
            }
            ran = true;
            apc.run();
        }
        return ran;
    }

    void close() {
        stopAccepting();
        try {
            selector.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
