package dev.pipelab.os.windows;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import dev.pipelab.api.PeerIdentity;
import dev.pipelab.spi.os.CompletionInstance;
import dev.pipelab.spi.os.OverlappedInstance;
import dev.pipelab.spi.os.PipeEvent;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;

/**
 * One instance of the overlapped and completion styles on Windows: a handle from
 * CreateNamedPipe with three OVERLAPPED structures (connect, read, write) and the native
 * buffers of {@link InboundFrames} and {@link OutboundFrames}, all held here for as long as an
 * operation on them may be pending. The overlapped style runs one operation at a time, each
 * signalling the instance's one manual-reset event, as the SDK sample's PIPEINST does; the
 * completion style runs a read and a write at once, each with its routine
 * (ReadFileEx, WriteFileEx). Used by the pipe's owning thread only.
 *
 * <p>A message is whole only once its frame is: a read that brought part of one starts the next
 * read itself, and bytes past a message wait here for the next read, which then finishes at once
 * without a call (its event set, or its routine queued, as an operation that finished at once
 * does).
 */
final class WindowsAsyncInstance implements OverlappedInstance, CompletionInstance {

    private enum Operation {
        NONE,
        CONNECT,
        READ,
        WRITE,
        FLUSH
    }

    private final Kernel32Calls calls;
    private final WindowsAccounts accounts;
    private final AsyncPipe pipe;
    private final Flusher flusher;
    private final HANDLE handle;
    private final WindowsEvent event; // the overlapped style's; null in the completion style
    private final int ordinal;
    private final NativeOverlapped connectOverlapped = new NativeOverlapped();
    private final NativeOverlapped readOverlapped = new NativeOverlapped();
    private final NativeOverlapped writeOverlapped = new NativeOverlapped();
    private final IntByReference bytes = new IntByReference();
    private final InboundFrames inbound;
    private final OutboundFrames outbound = new OutboundFrames();

    // The completion routines handed to ReadFileEx and WriteFileEx: one each for the instance's
    // life, held here (and the instance by its pipe while one is outstanding) so that JNA never
    // frees one that the kernel may still call.
    private final Kernel32Calls.CompletionRoutine readRoutine = this::readCompleted;
    private final Kernel32Calls.CompletionRoutine writeRoutine = this::writeCompleted;

    private Operation lastStarted = Operation.NONE;
    private boolean connectPending;
    private boolean readPending;
    private boolean writePending;
    private boolean flushPending;
    private int outstanding; // native operations started and not yet finished
    private byte[] message;
    private IOException readFailure; // a read that finished at once with a failure
    private CompletableFuture<IOException> flush;
    private int written; // bytes of the current frame written so far
    private int generation; // counts disconnects, so that a late flush cannot signal a new client
    private ReadRoutine onRead;
    private WriteRoutine onWritten;
    private PeerIdentity peer;
    private boolean closed;

    WindowsAsyncInstance(
            Kernel32Calls calls,
            WindowsAccounts accounts,
            AsyncPipe pipe,
            Flusher flusher,
            HANDLE handle,
            WindowsEvent event,
            int ordinal,
            int maxMessageBytes) {
        this.calls = calls;
        this.accounts = accounts;
        this.pipe = pipe;
        this.flusher = flusher;
        this.handle = handle;
        this.event = event;
        this.ordinal = ordinal;
        this.inbound = new InboundFrames(maxMessageBytes);
    }

    int ordinal() {
        return ordinal;
    }

    HANDLE eventHandle() {
        return event.handle();
    }

    // ---- connect, in both styles

    private boolean startConnect(WindowsEvent signalled) throws IOException {
        pipe.checkOwner();
        if (closed || pipe.isStopped()) {
            throw new ClosedChannelException();
        }
        if (connectPending || peer != null) {
            throw new IllegalStateException("instance is connected or connecting; disconnect it first");
        }
        signalled.reset(); // starting an operation resets its event
        lastStarted = Operation.CONNECT;
        while (true) {
            if (calls.ConnectNamedPipe(handle, connectOverlapped.prepare(signalled.handle()))) {
                connectPending = true; // finished at once, event set: the result says so
                return false;
            }
            int error = calls.lastError();
            switch (error) {
                case Win32.ERROR_IO_PENDING -> {
                    connectPending = true;
                    return false;
                }
                case Win32.ERROR_PIPE_CONNECTED -> {
                    connected(); // the client came before the call: the event is not set
                    return true;
                }
                case Win32.ERROR_NO_DATA -> calls.DisconnectNamedPipe(handle); // came and went: listen again
                default -> throw Win32Errors.failure("ConnectNamedPipe", error);
            }
        }
    }

    private boolean connectResult() throws IOException {
        if (!connectPending) {
            return peer != null;
        }
        if (calls.GetOverlappedResult(handle, connectOverlapped.pointer(), bytes, false)) {
            connectPending = false;
            connected();
            return true;
        }
        int error = calls.lastError();
        if (error == Win32.ERROR_IO_INCOMPLETE) {
            return false;
        }
        connectPending = false;
        if (error == Win32.ERROR_OPERATION_ABORTED && pipe.isStopped()) {
            throw new ClosedChannelException(); // stopAccepting cancelled it
        }
        throw Win32Errors.ofOperation("ConnectNamedPipe", error);
    }

    private void connected() {
        peer = WindowsPeers.identityOf(calls, accounts, handle);
        inbound.reset();
    }

    /** CancelIoEx of a pending connect: stopAccepting, from any thread. */
    void cancelConnect() {
        calls.CancelIoEx(handle, connectOverlapped.pointer());
    }

    // ---- the overlapped style

    @Override
    public PipeEvent event() {
        return event;
    }

    private void begin(Operation operation) throws IOException {
        pipe.checkOwner();
        if (peer == null) {
            throw new ClosedChannelException();
        }
        event.reset();
        lastStarted = operation;
    }

    @Override
    public boolean connect() throws IOException {
        return startConnect(event);
    }

    @Override
    public boolean read() throws IOException {
        begin(Operation.READ);
        if (readPending) {
            throw new IllegalStateException("a read is already pending");
        }
        message = null;
        readFailure = null;
        try {
            message = inbound.buffered();
        } catch (IOException e) {
            readFailure = e;
        }
        if (message != null || readFailure != null) {
            event.set(); // finished at once from bytes already here
            return true;
        }
        readPending = true;
        return readOn();
    }

    /**
     * Starts ReadFile and goes on while reads finish at once without completing a message.
     *
     * @return true once the read finished (a message, or a failure to report), false if pending
     */
    private boolean readOn() {
        while (true) {
            if (!calls.ReadFile(
                    handle, inbound.buffer(), inbound.capacity(), null, readOverlapped.prepare(event.handle()))) {
                int error = calls.lastError();
                if (error == Win32.ERROR_IO_PENDING) {
                    return false;
                }
                readFinished(Win32Errors.ofOperation("ReadFile", error));
                event.set();
                return true;
            }
            if (readResult()) {
                return true;
            }
        }
    }

    /** Takes the result of a finished ReadFile: true if the read is over (a message or a failure). */
    private boolean readResult() {
        if (!calls.GetOverlappedResult(handle, readOverlapped.pointer(), bytes, false)) {
            readFinished(Win32Errors.ofOperation("ReadFile", calls.lastError()));
            return true;
        }
        try {
            message = inbound.received(bytes.getValue());
        } catch (IOException e) {
            readFinished(e);
            return true;
        }
        if (message != null) {
            readFinished(null);
            return true;
        }
        return false;
    }

    private void readFinished(IOException failure) {
        readPending = false;
        readFailure = failure instanceof EOFException && inbound.isMidFrame()
                ? new EOFException("the client closed its end in the middle of a frame")
                : failure;
    }

    @Override
    public boolean write(byte[] payload) throws IOException {
        begin(Operation.WRITE);
        return startWrite(outbound.message(payload));
    }

    @Override
    public boolean writeError(String reason) throws IOException {
        begin(Operation.WRITE);
        return startWrite(outbound.error(reason));
    }

    private boolean startWrite(int length) throws IOException {
        if (writePending || flushPending) {
            throw new IllegalStateException("a write or flush is already pending");
        }
        written = 0;
        writePending = true;
        try {
            return writeOn(length);
        } catch (IOException e) {
            writePending = false; // WriteFile failed at once: nothing is pending
            throw e;
        }
    }

    /** Writes the rest of the frame while WriteFile finishes at once; true when it all went. */
    private boolean writeOn(int length) throws IOException {
        while (true) {
            Pointer from = outbound.from(written);
            if (!calls.WriteFile(handle, from, length - written, null, writeOverlapped.prepare(event.handle()))) {
                int error = calls.lastError();
                if (error == Win32.ERROR_IO_PENDING) {
                    return false;
                }
                throw Win32Errors.ofOperation("WriteFile", error);
            }
            if (!calls.GetOverlappedResult(handle, writeOverlapped.pointer(), bytes, false)) {
                throw Win32Errors.ofOperation("WriteFile", calls.lastError());
            }
            written += bytes.getValue();
            if (written >= length) {
                writePending = false;
                return true;
            }
        }
    }

    @Override
    public boolean flush() throws IOException {
        begin(Operation.FLUSH);
        if (writePending || flushPending) {
            throw new IllegalStateException("a write or flush is already pending");
        }
        flushPending = true;
        int started = generation;
        flush = flusher.flush(handle);
        flush.thenRun(() -> {
            if (started == generation) {
                event.set(); // from the flushing thread: SetEvent is safe from any thread
            }
        });
        return false;
    }

    @Override
    public boolean getOverlappedResult() throws IOException {
        pipe.checkOwner();
        return switch (lastStarted) {
            case NONE -> throw new IllegalStateException("no operation was started");
            case CONNECT -> connectResult();
            case READ -> readOverlappedResult();
            case WRITE -> writeOverlappedResult();
            case FLUSH -> flushResult();
        };
    }

    private boolean readOverlappedResult() throws IOException {
        while (readPending) {
            if (!readOverlapped.hasCompleted()) {
                return false; // ERROR_IO_INCOMPLETE, without the call
            }
            if (!readResult() && !readOn()) {
                return false; // part of a frame: the next ReadFile is pending
            }
        }
        if (readFailure != null) {
            throw readFailure;
        }
        return true;
    }

    private boolean writeOverlappedResult() throws IOException {
        if (!writePending) {
            return true;
        }
        if (!calls.GetOverlappedResult(handle, writeOverlapped.pointer(), bytes, false)) {
            int error = calls.lastError();
            if (error == Win32.ERROR_IO_INCOMPLETE) {
                return false;
            }
            writePending = false;
            throw Win32Errors.ofOperation("WriteFile", error);
        }
        written += bytes.getValue();
        if (written < outbound.length()) {
            try {
                return writeOn(outbound.length());
            } catch (IOException e) {
                writePending = false;
                throw e;
            }
        }
        writePending = false;
        return true;
    }

    private boolean flushResult() throws IOException {
        if (flushPending) {
            if (!flush.isDone()) {
                return false;
            }
            flushPending = false;
        }
        IOException failure = flush.join();
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
        pipe.checkOwner();
        if (readPending) {
            calls.CancelIoEx(handle, readOverlapped.pointer()); // finishes as aborted, or as it was
        }
    }

    @Override
    public void disconnect() {
        pipe.checkOwner();
        disconnectNow();
    }

    /** DisconnectNamedPipe: pending operations finish as aborted, unread bytes are discarded. */
    private void disconnectNow() {
        generation++;
        if (connectPending || readPending || writePending || outstanding > 0) {
            calls.CancelIoEx(handle, null);
        }
        if (event != null) {
            // The overlapped style reuses the OVERLAPPEDs: wait until the kernel is done with them.
            awaitCancelled(connectOverlapped, connectPending);
            awaitCancelled(readOverlapped, readPending);
            awaitCancelled(writeOverlapped, writePending);
        }
        connectPending = false;
        readPending = false;
        writePending = false;
        flushPending = false;
        calls.DisconnectNamedPipe(handle); // also ends a FlushFileBuffers in progress
        peer = null;
        message = null;
        inbound.reset();
        if (event != null) {
            event.set(); // a pending operation finished, as aborted
        }
    }

    private void awaitCancelled(NativeOverlapped overlapped, boolean pending) {
        if (pending) {
            calls.GetOverlappedResult(handle, overlapped.pointer(), bytes, true); // prompt once cancelled
        }
    }

    // ---- the completion style

    @Override
    public boolean connect(PipeEvent connectEvent) throws IOException {
        return startConnect((WindowsEvent) connectEvent);
    }

    @Override
    public void readFileEx(ReadRoutine routine) throws IOException {
        pipe.checkOwner();
        if (peer == null) {
            throw new ClosedChannelException();
        }
        if (onRead != null) {
            throw new IllegalStateException("a read is already pending");
        }
        byte[] m;
        try {
            m = inbound.buffered();
        } catch (IOException e) {
            pipe.queueRoutine(() -> routine.completed(e, null));
            return;
        }
        if (m != null) {
            pipe.queueRoutine(() -> routine.completed(null, m)); // finished at once: still in the wait
            return;
        }
        onRead = routine;
        readFileExOn();
    }

    private void readFileExOn() {
        if (calls.ReadFileEx(handle, inbound.buffer(), inbound.capacity(), readOverlapped.prepare(null), readRoutine)) {
            started();
            return;
        }
        IOException failure = Win32Errors.ofOperation("ReadFileEx", calls.lastError());
        ReadRoutine r = onRead;
        onRead = null;
        pipe.queueRoutine(() -> r.completed(failure, null));
    }

    private void readCompleted(int error, int n, Pointer overlapped) {
        finishedNative();
        ReadRoutine r = onRead;
        if (error != Win32.ERROR_SUCCESS) {
            onRead = null;
            IOException failure = Win32Errors.ofOperation("ReadFileEx", error);
            pipe.runRoutine(() -> r.completed(midFrame(failure), null));
            return;
        }
        byte[] m;
        try {
            m = inbound.received(n);
        } catch (IOException e) {
            onRead = null;
            pipe.runRoutine(() -> r.completed(e, null));
            return;
        }
        if (m == null) {
            readFileExOn(); // part of a frame: read on, from inside the wait
            return;
        }
        onRead = null;
        pipe.runRoutine(() -> r.completed(null, m));
    }

    private IOException midFrame(IOException failure) {
        return failure instanceof EOFException && inbound.isMidFrame()
                ? new EOFException("the client closed its end in the middle of a frame")
                : failure;
    }

    @Override
    public void writeFileEx(byte[] payload, WriteRoutine routine) throws IOException {
        startWriteEx(outbound.message(payload), routine);
    }

    @Override
    public void writeErrorEx(String reason, WriteRoutine routine) throws IOException {
        startWriteEx(outbound.error(reason), routine);
    }

    private void startWriteEx(int length, WriteRoutine routine) throws IOException {
        pipe.checkOwner();
        if (peer == null) {
            throw new ClosedChannelException();
        }
        if (onWritten != null) {
            throw new IllegalStateException("a write or flush is already pending");
        }
        written = 0;
        if (!calls.WriteFileEx(handle, outbound.from(0), length, writeOverlapped.prepare(null), writeRoutine)) {
            throw Win32Errors.ofOperation("WriteFileEx", calls.lastError());
        }
        onWritten = routine;
        started();
    }

    private void writeCompleted(int error, int n, Pointer overlapped) {
        finishedNative();
        WriteRoutine r = onWritten;
        if (error == Win32.ERROR_SUCCESS) {
            written += n;
            if (written < outbound.length()) {
                if (calls.WriteFileEx(
                        handle,
                        outbound.from(written),
                        outbound.length() - written,
                        writeOverlapped.prepare(null),
                        writeRoutine)) {
                    started();
                    return;
                }
                error = calls.lastError();
            }
        }
        onWritten = null;
        IOException failure = error == Win32.ERROR_SUCCESS ? null : Win32Errors.ofOperation("WriteFileEx", error);
        pipe.runRoutine(() -> r.completed(failure));
    }

    @Override
    public void flushEx(WriteRoutine routine) throws IOException {
        pipe.checkOwner();
        if (peer == null) {
            throw new ClosedChannelException();
        }
        if (onWritten != null) {
            throw new IllegalStateException("a write or flush is already pending");
        }
        flusher.flush(handle).thenAccept(failure -> pipe.queueUserApc(() -> routine.completed(failure)));
    }

    private void started() {
        if (outstanding++ == 0) {
            pipe.holdWhileOutstanding(this);
        }
    }

    private void finishedNative() {
        if (--outstanding == 0) {
            pipe.releaseOutstanding(this);
        }
    }

    // ---- both

    @Override
    public PeerIdentity peer() {
        return peer == null ? PeerIdentity.UNKNOWN : peer;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        disconnectNow();
        closed = true;
        calls.CloseHandle(handle); // routines still outstanding run, as aborted, in the next wait
        if (event != null) {
            event.close();
        }
    }

    @Override
    public String toString() {
        return "instance " + ordinal
                + (peer == null
                        ? (connectPending ? " connecting" : " idle")
                        : " " + peer + (readPending || onRead != null ? " reading" : "")
                                + (writePending || onWritten != null ? " writing" : "")
                                + (flushPending ? " flushing" : ""));
    }

    /** What an instance asks of the pipe that created it. */
    interface AsyncPipe {

        /** Throws unless the calling thread owns the pipe (binding it on first use). */
        void checkOwner();

        /** True once the pipe stopped accepting. */
        boolean isStopped();

        /** Runs {@code routine} in the owner's next alertable wait (an operation that finished at once). */
        void queueRoutine(Runnable routine);

        /** Runs {@code routine} now, inside the alertable wait, keeping what it throws for the wait to rethrow. */
        void runRoutine(Runnable routine);

        /** QueueUserAPC from any thread. */
        void queueUserApc(Runnable apc);

        /** Keeps {@code instance} reachable while the kernel may still call its routines. */
        void holdWhileOutstanding(WindowsAsyncInstance instance);

        void releaseOutstanding(WindowsAsyncInstance instance);
    }
}
