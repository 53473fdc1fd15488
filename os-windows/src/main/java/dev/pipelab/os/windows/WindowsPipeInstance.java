package dev.pipelab.os.windows;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import dev.pipelab.api.PeerIdentity;
import dev.pipelab.spi.os.PipeInstance;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance in the blocking style, as the multithreaded sample uses it: ConnectNamedPipe,
 * then ReadFile and WriteFile until the client is done, FlushFileBuffers, DisconnectNamedPipe;
 * then the handle waits in its {@link WindowsNamedPipe} for the next client, where the sample
 * calls CloseHandle (so that the name never lapses while the server runs). Each call starts the
 * operation overlapped and parks until the {@link CompletionPort} reports it, so that a virtual
 * thread never blocks its carrier.
 * One thread may read while another writes: each direction has its own OVERLAPPED and buffer.
 */
final class WindowsPipeInstance implements PipeInstance {

    private static final Logger log = LoggerFactory.getLogger(WindowsPipeInstance.class);

    private final Kernel32Calls calls;
    private final WindowsAccounts accounts;
    private final WindowsNamedPipe pipe;
    private final CompletionPort port;
    private final Flusher flusher;
    private final HANDLE handle;
    private final NativeOverlapped readOverlapped = new NativeOverlapped();
    private final NativeOverlapped writeOverlapped = new NativeOverlapped();
    private final IntByReference readBytes = new IntByReference();
    private final IntByReference writtenBytes = new IntByReference();
    private final InboundFrames inbound;
    private final OutboundFrames outbound = new OutboundFrames();
    /** Held while a call starts, and by close: a ReentrantLock, which parks a virtual thread without pinning. */
    private final ReentrantLock calling = new ReentrantLock();

    private volatile boolean readCancelled;
    private volatile boolean closed;
    private volatile PeerIdentity peer = PeerIdentity.UNKNOWN;

    WindowsPipeInstance(
            Kernel32Calls calls,
            WindowsAccounts accounts,
            WindowsNamedPipe pipe,
            CompletionPort port,
            Flusher flusher,
            HANDLE handle,
            int maxMessageBytes) {
        this.calls = calls;
        this.accounts = accounts;
        this.pipe = pipe;
        this.port = port;
        this.flusher = flusher;
        this.handle = handle;
        this.inbound = new InboundFrames(maxMessageBytes);
    }

    @Override
    public void connect() throws IOException {
        while (true) {
            if (!pipe.isOpen() || closed) {
                throw new ClosedChannelException();
            }
            CompletionPort.Started connecting =
                    start(readOverlapped, () -> calls.ConnectNamedPipe(handle, readOverlapped.prepare(null)));
            if (connecting == null) {
                throw new ClosedChannelException();
            }
            int error = connecting.error();
            if (connecting.isPending()) {
                pipe.connecting(this);
                try {
                    port.await(connecting.awaited());
                } finally {
                    pipe.notConnecting(this);
                }
                if (!calls.GetOverlappedResult(handle, readOverlapped.pointer(), readBytes, false)) {
                    error = calls.lastError();
                    if (error == Win32.ERROR_OPERATION_ABORTED || !pipe.isOpen() || closed) {
                        throw new ClosedChannelException(); // the pipe was closed meanwhile
                    }
                    throw Win32Errors.failure("ConnectNamedPipe", error);
                }
                break;
            }
            if (error == Win32.ERROR_PIPE_CONNECTED) {
                break; // the client came before the call: a good connection
            }
            if (error == Win32.ERROR_NO_DATA) {
                disconnectClient(); // a client came and went: listen again
                continue;
            }
            throw Win32Errors.failure("ConnectNamedPipe", error);
        }
        peer = WindowsPeers.identityOf(calls, accounts, handle);
    }

    /** CancelIoEx of a pending connect, when the pipe closes. */
    void cancelConnect() {
        calls.CancelIoEx(handle, readOverlapped.pointer());
    }

    @Override
    public PeerIdentity peer() {
        return peer;
    }

    @Override
    public byte[] readMessage() throws IOException {
        while (!readCancelled) {
            byte[] m = inbound.buffered();
            if (m != null) {
                return m;
            }
            int n = finish(
                    "ReadFile",
                    readOverlapped,
                    readBytes,
                    start(
                            readOverlapped,
                            () -> calls.ReadFile(
                                    handle, inbound.buffer(), inbound.capacity(), null, readOverlapped.prepare(null))));
            if (n < 0) {
                if (inbound.isMidFrame() && !readCancelled) {
                    log.debug("client left in the middle of a frame");
                }
                return null; // the client closed its end, or the read was cancelled
            }
            m = inbound.received(n);
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    @Override
    public void writeMessage(byte[] payload) throws IOException {
        writeFully(outbound.message(payload));
    }

    @Override
    public void writeError(String reason) throws IOException {
        writeFully(outbound.error(reason));
    }

    private void writeFully(int length) throws IOException {
        int written = 0;
        while (written < length) {
            Pointer from = outbound.from(written);
            int toWrite = length - written;
            int n = finish(
                    "WriteFile",
                    writeOverlapped,
                    writtenBytes,
                    start(
                            writeOverlapped,
                            () -> calls.WriteFile(handle, from, toWrite, null, writeOverlapped.prepare(null))));
            if (n < 0) {
                throw new java.io.EOFException("the client closed its end");
            }
            written += n;
        }
    }

    /**
     * Makes {@code call} on {@code overlapped}, unless this instance is closed (null). Calls and
     * {@link #close()} exclude each other: close cancels what started, and nothing starts after
     * it, so no late call of this instance's reaches the handle once it serves another client.
     * The call itself never blocks: every operation is overlapped.
     */
    private CompletionPort.Started start(NativeOverlapped overlapped, BooleanSupplier call) {
        calling.lock();
        try {
            if (closed) {
                return null;
            }
            return port.start(overlapped, call);
        } finally {
            calling.unlock();
        }
    }

    /**
     * Finishes the operation {@code started}: waits for its packet, and returns its byte count,
     * or -1 if the client is gone, the operation was cancelled, or the instance closed.
     */
    private int finish(String call, NativeOverlapped overlapped, IntByReference bytes, CompletionPort.Started started)
            throws IOException {
        if (started == null) {
            return -1;
        }
        if (!started.isPending()) {
            return endOrThrow(call, started.error());
        }
        port.await(started.awaited());
        if (calls.GetOverlappedResult(handle, overlapped.pointer(), bytes, false)) {
            return bytes.getValue();
        }
        return endOrThrow(call, calls.lastError());
    }

    private int endOrThrow(String call, int error) throws IOException {
        if (Win32Errors.isPeerGone(error) || error == Win32.ERROR_OPERATION_ABORTED || closed) {
            return -1;
        }
        throw Win32Errors.failure(call, error);
    }

    @Override
    public boolean flush(Duration timeout) throws IOException {
        try {
            IOException failure = flusher.flush(handle).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (failure != null) {
                throw failure;
            }
            return true;
        } catch (TimeoutException e) {
            return false; // FlushFileBuffers goes on until close() disconnects the client
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while flushing");
        } catch (ExecutionException e) {
            throw new IOException("FlushFileBuffers failed", e.getCause());
        }
    }

    @Override
    public void cancelRead() {
        readCancelled = true;
        calls.CancelIoEx(handle, readOverlapped.pointer());
    }

    private void disconnectClient() {
        calling.lock();
        try {
            if (!closed) {
                calls.DisconnectNamedPipe(handle);
            }
        } finally {
            calling.unlock();
        }
    }

    /**
     * CancelIoEx and DisconnectNamedPipe; the handle goes back to the pipe for its next client
     * (see {@link WindowsNamedPipe}), which closes it (CloseHandle) when the pipe closes.
     */
    @Override
    public void close() {
        calling.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            calls.CancelIoEx(handle, null); // pending reads and writes finish as aborted
            calls.DisconnectNamedPipe(handle);
        } finally {
            calling.unlock();
        }
        pipe.disconnected(handle);
    }

    @Override
    public String toString() {
        return "WindowsPipeInstance[" + (closed ? "closed" : peer) + "]";
    }
}
