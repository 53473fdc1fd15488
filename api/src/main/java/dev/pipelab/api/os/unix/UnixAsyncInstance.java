package dev.pipelab.api.os.unix;

import dev.pipelab.api.PeerIdentity;
import dev.pipelab.api.os.CompletionInstance;
import dev.pipelab.api.os.OperationAbortedException;
import dev.pipelab.api.os.OverlappedInstance;
import dev.pipelab.api.os.PipeEvent;
import dev.pipelab.api.protocol.FrameDecoder;
import dev.pipelab.api.protocol.Frames;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One instance of the overlapped and completion styles on Unix: a non-blocking AF_UNIX channel
 * with a connect, a read and a write slot. Starting an operation does what it can at once and
 * otherwise registers interest with the {@link UnixSelectorIo}, whose poll finishes it. Finishing
 * an operation runs its completion: set the event (overlapped) or queue the routine
 * (completion). Used by the owning thread only.
 */
final class UnixAsyncInstance implements OverlappedInstance, CompletionInstance {


    private enum Operation { NONE, CONNECT, READ, WRITE }

    private final UnixSelectorIo io;
    private final int maxMessageBytes;
    private final UnixEvent event; // the overlapped style's event; unused by the completion style
    private SocketChannel channel;
    private SelectionKey key;
    private PeerIdentity peer = PeerIdentity.UNKNOWN;
    private FrameDecoder decoder;
    private ByteBuffer leftover; // bytes read past the last whole message, or null: most of the time

    private Operation lastStarted = Operation.NONE;
    private boolean connectPending;
    private boolean readPending;
    private boolean writePending;
    private IOException connectFailure;
    private IOException readFailure;
    private IOException writeFailure;
    private Runnable onConnected;
    private Runnable onRead;
    private Runnable onWritten;
    private byte[] message;
    private ByteBuffer[] writeBuffers;

    UnixAsyncInstance(UnixSelectorIo io, int maxMessageBytes) {
        this.io = io;
        this.maxMessageBytes = maxMessageBytes;
        this.event = new UnixEvent(io, io.nextOrdinal(), false);
    }

    // ---- the operations, shared by both styles

    private boolean startConnect(Runnable completion) throws IOException {
        if (channel != null || connectPending) {
            throw new IllegalStateException("instance is connected or connecting; disconnect it first");
        }
        connectFailure = null;
        SocketChannel waiting = io.tryAccept();
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
        onConnected = completion;
        io.awaitClient(this);
        return false;
    }

    void connected(SocketChannel client) throws IOException {
        try {
            attach(client);
        } catch (IOException e) {
            client.close();
            connectFailed(e);
            return;
        }
        connectPending = false;
        onConnected.run();
    }

    void connectFailed(IOException failure) {
        connectPending = false;
        connectFailure = failure;
        onConnected.run();
    }

    private void attach(SocketChannel client) throws IOException {
        client.configureBlocking(false);
        channel = client;
        key = client.register(io.selector(), 0, this);
        peer = UnixPipeInstance.peerOf(client);
        decoder = FrameDecoder.forServer(maxMessageBytes);
    }

    private boolean startRead(Runnable completion) throws IOException {
        connectedChannel();
        if (readPending) {
            throw new IllegalStateException("a read is already pending");
        }
        readFailure = null;
        message = null;
        onRead = completion;
        readPending = true;
        if (decodeBuffered()) {
            return true; // a whole message was already here
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
    private byte[] decodeFrom(ByteBuffer bytes) throws IOException {
        byte[] m = decoder.decode(bytes);
        if (!bytes.hasRemaining()) {
            leftover = null;
        } else if (bytes != leftover) {
            leftover = ByteBuffer.allocate(bytes.remaining()).put(bytes).flip(); // frames came coalesced
        }
        return m;
    }

    void performRead() {
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
                int n = channel.read(shared);
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
                    finishRead(new EOFException("the client closed its end"
                            + (decoder.isMidFrame() ? " in the middle of a frame" : "")));
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
        onRead.run();
    }

    private boolean startWrite(ByteBuffer[] frame, Runnable completion) throws IOException {
        SocketChannel ch = connectedChannel();
        if (writePending) {
            throw new IllegalStateException("a write is already pending");
        }
        writeFailure = null;
        writeBuffers = gathered(frame);
        onWritten = completion;
        writePending = true;
        try {
            writeSome(ch);
            if (writePending && writeBuffers[0] == io.writeBuffer()) {
                // the socket took part of it: keep the rest here, the loop's buffer is for the next write
                writeBuffers = new ByteBuffer[] {ByteBuffer.allocate(writeBuffers[0].remaining()).put(writeBuffers[0]).flip()};
            }
        } catch (IOException e) {
            writePending = false; // WriteFile failed at once: nothing is pending
            writeBuffers = null;
            throw e;
        }
        if (!writePending) {
            return true;
        }
        wantReady(SelectionKey.OP_WRITE);
        return false;
    }

    /**
     * The frame copied into the loop's one direct buffer when it fits: one write call from
     * memory the kernel can read directly, instead of a gathering write the JDK copies first.
     */
    private ByteBuffer[] gathered(ByteBuffer[] frame) {
        ByteBuffer shared = io.writeBuffer();
        long bytes = 0;
        for (ByteBuffer b : frame) {
            bytes += b.remaining();
        }
        if (bytes > shared.capacity()) {
            return frame;
        }
        shared.clear();
        for (ByteBuffer b : frame) {
            shared.put(b);
        }
        return new ByteBuffer[] {shared.flip()};
    }

    private void writeSome(SocketChannel ch) throws IOException {
        ByteBuffer last = writeBuffers[writeBuffers.length - 1];
        while (writeBuffers[0].hasRemaining() || last.hasRemaining()) { // an empty payload still has its header
            // one buffer: a plain send, which costs the kernel less than a gathering writev of one
            long n = writeBuffers.length == 1 ? ch.write(last) : ch.write(writeBuffers);
            if (n == 0) {
                return;
            }
        }
        finishWrite(null);
    }

    void performWrite() {
        if (!writePending) {
            notReady(SelectionKey.OP_WRITE); // writable, but nothing to write now: stop asking
            return;
        }
        try {
            writeSome(channel);
        } catch (IOException e) {
            finishWrite(e);
        }
    }

    private void finishWrite(IOException failure) {
        writePending = false;
        writeFailure = failure;
        writeBuffers = null;
        onWritten.run();
    }

    /*
     * Interest is added when an operation has to wait, and removed only when the selector
     * reports the key ready with no operation waiting. A finished operation leaves its interest
     * registered: the next one usually starts before the next select, and turning it off and on
     * again would cost two epoll_ctl calls a message.
     */
    private void wantReady(int op) {
        if (key != null && key.isValid() && (key.interestOps() & op) == 0) {
            key.interestOps(key.interestOps() | op);
        }
    }

    private void notReady(int op) {
        if (key != null && key.isValid() && (key.interestOps() & op) != 0) {
            key.interestOps(key.interestOps() & ~op);
        }
    }

    private SocketChannel connectedChannel() throws IOException {
        if (channel == null) {
            throw new ClosedChannelException();
        }
        return channel;
    }

    private static ByteBuffer[] frameOf(byte[] payload) {
        return new ByteBuffer[] {Frames.header(payload.length), ByteBuffer.wrap(payload)};
    }

    private void disconnectNow() {
        if (connectPending) {
            io.forget(this);
            connectFailed(new OperationAbortedException());
        }
        if (key != null) {
            key.cancel();
            key = null;
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // the descriptor is released either way
            }
            channel = null;
        }
        if (readPending) {
            finishRead(new OperationAbortedException());
        }
        if (writePending) {
            finishWrite(new OperationAbortedException());
        }
        peer = PeerIdentity.UNKNOWN;
        decoder = null;
        leftover = null;
    }

    // ---- the overlapped style

    @Override
    public PipeEvent event() {
        return event;
    }

    @Override
    public boolean connect() throws IOException {
        event.reset();
        lastStarted = Operation.CONNECT;
        return startConnect(event::set);
    }

    @Override
    public boolean read() throws IOException {
        event.reset();
        lastStarted = Operation.READ;
        return startRead(event::set);
    }

    @Override
    public boolean write(byte[] payload) throws IOException {
        event.reset();
        lastStarted = Operation.WRITE;
        return startWrite(frameOf(payload), event::set);
    }

    @Override
    public boolean writeError(String reason) throws IOException {
        event.reset();
        lastStarted = Operation.WRITE;
        return startWrite(new ByteBuffer[] {Frames.encodeError(reason)}, event::set);
    }

    @Override
    public boolean getOverlappedResult() throws IOException {
        return switch (lastStarted) {
            case NONE -> throw new IllegalStateException("no operation was started");
            case CONNECT -> result(connectPending, connectFailure);
            case READ -> result(readPending, readFailure);
            case WRITE -> result(writePending, writeFailure);
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
        if (readPending) {
            finishRead(new OperationAbortedException());
        }
    }

    @Override
    public void disconnect() {
        disconnectNow();
    }

    // ---- the completion style

    @Override
    public boolean connect(PipeEvent connectEvent) throws IOException {
        io.checkOwner();
        connectEvent.reset(); // as starting any overlapped operation does
        lastStarted = Operation.CONNECT;
        return startConnect(connectEvent::set);
    }

    @Override
    public void readFileEx(ReadRoutine routine) throws IOException {
        io.checkOwner();
        startRead(() -> {
            IOException failure = readFailure;
            byte[] m = takeMessage();
            io.queueApc(() -> routine.completed(failure, m));
        });
    }

    @Override
    public void writeFileEx(byte[] payload, WriteRoutine routine) throws IOException {
        io.checkOwner();
        startWrite(frameOf(payload), () -> queueWriteRoutine(routine));
    }

    @Override
    public void writeErrorEx(String reason, WriteRoutine routine) throws IOException {
        io.checkOwner();
        startWrite(new ByteBuffer[] {Frames.encodeError(reason)}, () -> queueWriteRoutine(routine));
    }

    private void queueWriteRoutine(WriteRoutine routine) {
        IOException failure = writeFailure;
        io.queueApc(() -> routine.completed(failure));
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
        return "instance " + event.ordinal() + (channel == null ? (connectPending ? " connecting" : " idle")
                : " " + peer + (readPending ? " reading" : "") + (writePending ? " writing" : ""));
    }
}
