package dev.pipelab.os.unix.async;

import dev.pipelab.api.PeerIdentity;
import dev.pipelab.api.protocol.FrameDecoder;
import dev.pipelab.api.protocol.Frames;
import dev.pipelab.spi.os.CompletionInstance;
import dev.pipelab.spi.os.OperationAbortedException;
import dev.pipelab.spi.os.OverlappedInstance;
import dev.pipelab.spi.os.PipeEvent;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;

/**
 * One instance of the overlapped and completion styles on Unix: a non-blocking AF_UNIX socket
 * (a {@link UnixConnection} of whichever transport the io has) with a connect, a read and a write
 * slot. Starting an operation does what it can at once and otherwise registers interest with the
 * {@link UnixAsyncIo}, whose poll finishes it. An instance serves one style, the one of the
 * pipe that made it: finishing an operation sets its event (overlapped) or queues the
 * operation's routine (completion). Used by the owning thread only.
 *
 * <p>Writes go through the instance's outbound buffer, as WriteFile goes through the pipe's:
 * a write that fits completes at once. The buffer is sent to the socket at once when no further
 * request of this client is already read and waiting here; while one is (a client that
 * pipelines), the replies gather and leave together, in one send, with the first write or flush
 * that finds no whole request waiting, or at the latest when a read of this client has to wait
 * for the socket. So a client that pipelines sixteen requests costs one send, not sixteen, a
 * client that talks in turns gets each reply at once, and no reply waits for the loop to be idle.
 *
 * <p>A flush (FlushFileBuffers) finishes once the outbound buffer is empty; a disconnect discards
 * what is still in it, as DisconnectNamedPipe discards what the client has not read.
 */
public final class UnixAsyncInstance implements OverlappedInstance, CompletionInstance {

    private enum Operation {
        NONE,
        CONNECT,
        READ,
        WRITE,
        FLUSH
    }

    /** Replies gathered for a pipelining client are sent once they reach this many bytes. */
    private static final int OUTBOUND_FLUSH_BYTES = 64 * 1024;

    private final UnixAsyncIo io;
    private final int maxMessageBytes;
    private final int ordinal;
    private final UnixEvent event; // the overlapped style's; null for an instance of the completion style
    // The completion style's APCs that call the routines, made at their first use: see queueReadRoutine.
    private RoutineApc readApc;
    private RoutineApc writeApc;
    private RoutineApc flushApc;
    private ReadRoutine readRoutine; // the routine of the outstanding ReadFileEx
    private WriteRoutine writeRoutine; // of the outstanding WriteFileEx
    private WriteRoutine flushRoutine; // of the outstanding flush
    private UnixConnection connection; // null while no client is connected
    private PeerIdentity peer = PeerIdentity.UNKNOWN;
    private FrameDecoder decoder;
    private ByteBuffer leftover; // bytes read past the last whole message, or null: most of the time

    private Operation lastStarted = Operation.NONE;
    private boolean connectPending;
    private boolean readPending;
    private boolean writePending;
    private boolean flushPending;
    private IOException connectFailure;
    private IOException readFailure;
    private IOException writeFailure;
    private IOException flushFailure;
    // What the pending connect sets when it finishes: the instance's event, or the completion style's connect event.
    private PipeEvent connectedEvent;
    private byte[] message;
    private ByteBuffer outbound; // bytes written but not yet sent, ready to read; null when none
    private boolean flushQueued; // listed with the io for a send before the loop next waits
    private IOException sendFailure; // a deferred send failed: the next operation reports it

    private UnixAsyncInstance(UnixAsyncIo io, int maxMessageBytes, boolean withEvent) {
        this.io = io;
        this.maxMessageBytes = maxMessageBytes;
        this.ordinal = io.nextOrdinal();
        this.event = withEvent ? new UnixEvent(io, ordinal, false) : null;
    }

    /** An instance of the overlapped style: each operation sets the instance's event when it finishes. */
    static UnixAsyncInstance overlapped(UnixAsyncIo io, int maxMessageBytes) {
        return new UnixAsyncInstance(io, maxMessageBytes, true);
    }

    /**
     * An instance of the completion style: each operation queues its routine when it finishes.
     * It has no event of its own (the connect sets the one it is given).
     */
    static UnixAsyncInstance completion(UnixAsyncIo io, int maxMessageBytes) {
        return new UnixAsyncInstance(io, maxMessageBytes, false);
    }

    // ---- the operations, shared by both styles

    private boolean startConnect(PipeEvent connected) throws IOException {
        if (connection != null || connectPending) {
            throw new IllegalStateException("instance is connected or connecting; disconnect it first");
        }
        connectFailure = null;
        UnixConnection waiting = io.tryAccept();
        if (waiting != null) {
            try {
                attach(waiting); // the client came before ConnectNamedPipe: ERROR_PIPE_CONNECTED
            } catch (IOException e) {
                waiting.close();
                throw e;
            }
            return true;
        }
        connectPending = true;
        connectedEvent = connected;
        io.awaitClient(this);
        return false;
    }

    void connected(UnixConnection client) {
        try {
            attach(client);
        } catch (IOException e) {
            client.close();
            connectFailed(e);
            return;
        }
        connectPending = false;
        connectedEvent.set();
    }

    void connectFailed(IOException failure) {
        connectPending = false;
        connectFailure = failure;
        connectedEvent.set();
    }

    private void attach(UnixConnection client) throws IOException {
        client.register(this);
        connection = client;
        peer = client.peer();
        decoder = FrameDecoder.forServer(maxMessageBytes);
    }

    private boolean startRead() throws IOException {
        connectedChannel();
        throwSendFailure();
        if (readPending) {
            throw new IllegalStateException("a read is already pending");
        }
        readFailure = null;
        message = null;
        readPending = true;
        if (decodeBuffered()) {
            return true; // a whole message was already here
        }
        if (outbound != null && !writePending) {
            // Replies gathered while this client's requests waited here leave now that none is
            // left: this read waits for the socket, and they must not wait with it.
            sendGathered();
            if (!readPending) {
                return true; // the send failed, and so did this read
            }
        }
        wantReady(SelectionKey.OP_READ);
        return false;
    }

    /** Finishes the pending read from bytes already buffered, if they hold a whole message. */
    private boolean decodeBuffered() {
        if (leftover == null) {
            return false;
        }
        try {
            byte[] m = decodeFrom(leftover);
            if (m == null) {
                return false;
            }
            message = m;
            finishRead(null);
        } catch (IOException e) {
            finishRead(e);
        }
        return true;
    }

    /** Decodes from {@code bytes}; keeps what follows a whole message for the next read. */
    @SuppressWarnings("ReferenceEquality") // the same buffer, not an equal one: leftover is kept as it is
    private byte[] decodeFrom(ByteBuffer bytes) throws IOException {
        byte[] m = decoder.decode(bytes);
        if (!bytes.hasRemaining()) {
            leftover = null;
        } else if (bytes != leftover) {
            leftover = ByteBuffer.allocate(bytes.remaining()).put(bytes).flip(); // frames came coalesced
        }
        return m;
    }

    /** The poller reports the socket readable (or, edge-triggered, still possibly readable). */
    public void performRead() {
        if (!readPending) {
            notReady(SelectionKey.OP_READ); // readable, but nobody reads now: stop asking
            return;
        }
        try {
            // Reads go through the loop's one buffer, so an idle client costs no buffer of its own.
            ByteBuffer shared = io.readBuffer();
            while (true) {
                byte[] m = leftover != null ? decodeFrom(leftover) : null;
                if (m != null) {
                    message = m;
                    finishRead(null);
                    return;
                }
                shared.clear();
                int n = connection.read(shared);
                shared.flip();
                if (n > 0 && (m = decodeFrom(shared)) != null) {
                    message = m;
                    finishRead(null);
                    return;
                }
                if (n == 0) {
                    return; // still pending
                }
                if (n < 0) {
                    finishRead(new EOFException(
                            "the client closed its end" + (decoder.isMidFrame() ? " in the middle of a frame" : "")));
                    return;
                }
            }
        } catch (IOException e) {
            finishRead(e);
        }
    }

    private void finishRead(IOException failure) {
        readPending = false;
        readFailure = failure;
        if (event != null) {
            event.set();
        } else {
            queueReadRoutine();
        }
    }

    /**
     * WriteFile of a message ({@code payload}; its frame may gather with the replies to come) or
     * of an error frame ({@code errorFrame}, encoded; the last, sent at once): one of the two.
     */
    private boolean startWrite(byte[] payload, ByteBuffer errorFrame) throws IOException {
        UnixConnection ch = connectedChannel();
        if (writePending || flushPending) {
            throw new IllegalStateException("a write or flush is already pending");
        }
        throwSendFailure();
        writeFailure = null;
        boolean gather = payload != null && wholeRequestWaiting();
        if (payload != null) {
            outboundRoom(Frames.HEADER_BYTES + payload.length)
                    .putInt(payload.length)
                    .put(payload);
        } else {
            outboundRoom(errorFrame.remaining()).put(errorFrame);
        }
        if (gather && outbound.position() < OUTBOUND_FLUSH_BYTES) {
            // its reply will go with this one
            if (!flushQueued) {
                flushQueued = true;
                io.sendBeforeWaiting(this);
            }
            writePending = true;
            finishWrite(null); // in the buffer: done, as WriteFile into a pipe with room is
            return true;
        }
        writePending = true;
        try {
            send(ch);
        } catch (IOException e) {
            writePending = false; // WriteFile failed at once: nothing is pending
            outbound = null;
            throw e;
        }
        if (outbound == null) {
            finishWrite(null);
            return true;
        }
        wantReady(SelectionKey.OP_WRITE);
        return false;
    }

    /** True when a whole request of this client is already read and waiting here: its reply can go with this one. */
    private boolean wholeRequestWaiting() {
        // after a decoded message the decoder stands at a frame boundary: leftover starts with a length word
        if (leftover == null || leftover.remaining() < Frames.HEADER_BYTES) {
            return false;
        }
        long length = Integer.toUnsignedLong(leftover.getInt(leftover.position()));
        return leftover.remaining() - Frames.HEADER_BYTES >= length;
    }

    /** The outbound buffer, with room for {@code bytes} more after what it holds. */
    private ByteBuffer outboundRoom(int bytes) {
        if (outbound == null) {
            outbound = io.outboundBuffer(bytes); // a spare one, with room for a run of replies
        } else if (outbound.remaining() < bytes) {
            ByteBuffer full = outbound;
            outbound = ByteBuffer.allocate(Math.max(full.position() + bytes, 2 * full.capacity()))
                    .put(full.flip());
            io.recycle(full);
        }
        return outbound;
    }

    /** Sends what the outbound buffer holds; keeps what the socket did not take. */
    private void send(UnixConnection ch) throws IOException {
        outbound.flip();
        while (outbound.hasRemaining()) {
            if (ch.write(outbound) == 0) {
                break;
            }
        }
        if (outbound.hasRemaining()) {
            outbound.compact(); // back to filling: what the socket did not take comes first
        } else {
            io.recycle(outbound);
            outbound = null; // nothing held between sends
        }
    }

    /** FlushFileBuffers: finishes once the outbound buffer has gone to the socket. */
    private boolean startFlush() throws IOException {
        UnixConnection ch = connectedChannel();
        if (writePending || flushPending) {
            throw new IllegalStateException("a write or flush is already pending");
        }
        throwSendFailure();
        flushFailure = null;
        flushPending = true;
        if (outbound != null) {
            try {
                send(ch);
            } catch (IOException e) {
                flushPending = false; // failed at once: nothing is pending
                outbound = null;
                throw e;
            }
        }
        if (outbound == null) {
            finishFlush(null);
            return true;
        }
        wantReady(SelectionKey.OP_WRITE);
        return false;
    }

    private void finishFlush(IOException failure) {
        flushPending = false;
        flushFailure = failure;
        if (event != null) {
            event.set();
        } else {
            queueFlushRoutine();
        }
    }

    /**
     * Sends what gathered while the client's requests were being read: when a read of this
     * client has to wait, and, as a net under that, before the loop blocks.
     */
    void sendGathered() {
        flushQueued = false;
        if (outbound == null || writePending || flushPending || connection == null) {
            return; // sent already, or a pending write or flush sends it
        }
        try {
            send(connection);
            if (outbound != null) {
                wantReady(SelectionKey.OP_WRITE); // the rest when the socket has room
            }
        } catch (IOException e) {
            sendFailed(e);
        }
    }

    /** A deferred send failed: the pending read, if any, ends with it; otherwise the next operation does. */
    private void sendFailed(IOException e) {
        outbound = null;
        sendFailure = e;
        if (readPending) {
            finishRead(e);
        }
    }

    private void throwSendFailure() throws IOException {
        IOException failure = sendFailure;
        if (failure != null) {
            sendFailure = null;
            throw failure;
        }
    }

    /** The poller reports the socket writable (or, edge-triggered, still possibly writable). */
    public void performWrite() {
        if (outbound == null) {
            notReady(SelectionKey.OP_WRITE); // writable, but nothing to write now: stop asking
            return;
        }
        try {
            send(connection);
            if (outbound == null && writePending) {
                finishWrite(null);
            } else if (outbound == null && flushPending) {
                finishFlush(null);
            }
        } catch (IOException e) {
            if (writePending) {
                outbound = null;
                finishWrite(e);
            } else if (flushPending) {
                outbound = null;
                finishFlush(e);
            } else {
                sendFailed(e);
            }
        }
    }

    private void finishWrite(IOException failure) {
        writePending = false;
        writeFailure = failure;
        if (event != null) {
            event.set();
        } else {
            queueWriteRoutine();
        }
    }

    /*
     * Interest is added when an operation has to wait, and removed only when the selector
     * reports the key ready with no operation waiting. A finished operation leaves its interest
     * registered: the next one usually starts before the next select, and turning it off and on
     * again would cost two epoll_ctl calls a message.
     */
    private void wantReady(int op) {
        if (connection != null) {
            connection.wantReady(op);
        }
    }

    private void notReady(int op) {
        if (connection != null) {
            connection.notReady(op);
        }
    }

    private UnixConnection connectedChannel() throws IOException {
        if (connection == null) {
            throw new ClosedChannelException();
        }
        return connection;
    }

    /** DisconnectNamedPipe: what is still in the outbound buffer is discarded; pending operations abort. */
    private void disconnectNow() {
        if (connectPending) {
            io.forget(this);
            connectFailed(new OperationAbortedException());
        }
        if (outbound != null) {
            io.recycle(outbound);
            outbound = null;
        }
        sendFailure = null;
        if (connection != null) {
            connection.close();
            connection = null;
        }
        if (readPending) {
            finishRead(new OperationAbortedException());
        }
        if (writePending) {
            finishWrite(new OperationAbortedException());
        }
        if (flushPending) {
            finishFlush(new OperationAbortedException());
        }
        peer = PeerIdentity.UNKNOWN;
        decoder = null;
        leftover = null;
    }

    // ---- the overlapped style

    @Override
    public PipeEvent event() {
        return overlappedEvent();
    }

    /** The instance's event: only an instance of the overlapped style has one. */
    private UnixEvent overlappedEvent() {
        if (event == null) {
            throw new IllegalStateException(
                    "an instance of the completion style has no event: use its readFileEx, writeFileEx and flushEx");
        }
        return event;
    }

    /** Starting an operation: on the owning thread only, and it resets the instance's event. */
    private void begin(Operation operation) {
        io.checkOwner();
        overlappedEvent().reset();
        lastStarted = operation;
    }

    @Override
    public boolean connect() throws IOException {
        begin(Operation.CONNECT);
        return startConnect(event);
    }

    @Override
    public boolean read() throws IOException {
        begin(Operation.READ);
        return startRead();
    }

    @Override
    public boolean write(byte[] payload) throws IOException {
        begin(Operation.WRITE);
        return startWrite(payload, null);
    }

    @Override
    public boolean writeError(String reason) throws IOException {
        begin(Operation.WRITE);
        return startWrite(null, Frames.encodeError(reason));
    }

    @Override
    public boolean flush() throws IOException {
        begin(Operation.FLUSH);
        return startFlush();
    }

    @Override
    public boolean getOverlappedResult() throws IOException {
        return switch (lastStarted) {
            case NONE -> throw new IllegalStateException("no operation was started");
            case CONNECT -> result(connectPending, connectFailure);
            case READ -> result(readPending, readFailure);
            case WRITE -> result(writePending, writeFailure);
            case FLUSH -> result(flushPending, flushFailure);
        };
    }

    private static boolean result(boolean pending, IOException failure) throws IOException {
        if (pending) {
            return false;
        }
        if (failure != null) {
            throw failure;
        }
        return true;
    }

    @Override
    public byte[] takeMessage() {
        byte[] m = message;
        message = null;
        return m;
    }

    @Override
    public void cancelIo() {
        io.checkOwner();
        if (readPending) {
            finishRead(new OperationAbortedException());
        }
    }

    @Override
    public void disconnect() {
        io.checkOwner();
        disconnectNow();
    }

    // ---- the completion style

    @Override
    public boolean connect(PipeEvent connectEvent) throws IOException {
        beginEx();
        connectEvent.reset(); // as starting any overlapped operation does
        lastStarted = Operation.CONNECT;
        return startConnect(connectEvent);
    }

    @Override
    public void readFileEx(ReadRoutine routine) throws IOException {
        beginEx();
        readRoutine = routine;
        startRead();
    }

    @Override
    public void writeFileEx(byte[] payload, WriteRoutine routine) throws IOException {
        beginEx();
        writeRoutine = routine;
        startWrite(payload, null);
    }

    @Override
    public void writeErrorEx(String reason, WriteRoutine routine) throws IOException {
        beginEx();
        writeRoutine = routine;
        startWrite(null, Frames.encodeError(reason));
    }

    @Override
    public void flushEx(WriteRoutine routine) throws IOException {
        beginEx();
        flushRoutine = routine;
        startFlush();
    }

    /** Starting an operation with a routine: on the owning thread only, of an instance of the completion style. */
    private void beginEx() {
        io.checkOwner();
        if (event != null) {
            throw new IllegalStateException(
                    "an instance of the overlapped style completes through its event: use read, write and flush");
        }
    }

    /*
     * A finished operation queues its routine as an APC with the outcome it had when it finished:
     * the next operation may start, and finish, before the APC runs. Each kind of operation has
     * one APC object of its own, made when it first finishes, filled with that outcome and
     * queued; another is made only while the instance's is still queued (the same kind of
     * operation finished twice before the loop ran its APCs), so a message costs no APC allocated.
     */
    private void queueReadRoutine() {
        if (readApc == null) {
            readApc = new RoutineApc();
        }
        (readApc.queued ? new RoutineApc() : readApc).queue(readRoutine, null, readFailure, takeMessage());
    }

    private void queueWriteRoutine() {
        if (writeApc == null) {
            writeApc = new RoutineApc();
        }
        (writeApc.queued ? new RoutineApc() : writeApc).queue(null, writeRoutine, writeFailure, null);
    }

    private void queueFlushRoutine() {
        if (flushApc == null) {
            flushApc = new RoutineApc();
        }
        (flushApc.queued ? new RoutineApc() : flushApc).queue(null, flushRoutine, flushFailure, null);
    }

    /** A routine's call with the outcome of its operation, as the APC that makes it: a read's, or a write's or flush's. */
    private final class RoutineApc implements Runnable {
        private boolean queued;
        private ReadRoutine readRoutine;
        private WriteRoutine writeRoutine;
        private IOException failure;
        private byte[] message;

        void queue(ReadRoutine read, WriteRoutine write, IOException f, byte[] m) {
            readRoutine = read;
            writeRoutine = write;
            failure = f;
            message = m;
            queued = true;
            io.queueApc(this);
        }

        @Override
        public void run() {
            ReadRoutine read = readRoutine;
            WriteRoutine write = writeRoutine;
            IOException f = failure;
            byte[] m = message;
            readRoutine = null; // free again before the routine runs: it may start the next operation
            writeRoutine = null;
            failure = null;
            message = null;
            queued = false;
            if (read != null) {
                read.completed(f, m);
            } else {
                write.completed(f);
            }
        }
    }

    // ---- both

    @Override
    public PeerIdentity peer() {
        return peer;
    }

    @Override
    public void close() {
        disconnectNow();
    }

    @Override
    public String toString() {
        return "instance " + ordinal
                + (connection == null
                        ? (connectPending ? " connecting" : " idle")
                        : " " + peer + (readPending ? " reading" : "") + (writePending ? " writing" : "")
                                + (flushPending ? " flushing" : ""));
    }
}
