package dev.pipelab.os.unix.blocking;

import dev.pipelab.api.PeerIdentity;
import dev.pipelab.api.protocol.FrameDecoder;
import dev.pipelab.api.protocol.Frames;
import dev.pipelab.os.unix.async.UnixListener;
import dev.pipelab.spi.os.PipeInstance;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One blocking instance: {@code connect} is accept, {@code readMessage} reads and decodes until
 * a frame is whole. The stream's calls park a virtual thread instead of its carrier (the JDK's
 * channels on its poller, the native seam's descriptors on its own), so the same instance serves
 * both thread-per-client engines.
 */
final class UnixPipeInstance<C> implements PipeInstance {

    private static final Logger log = LoggerFactory.getLogger(UnixPipeInstance.class);
    /** What a connection reads with at first: enough for small messages, little for an idle client to hold. */
    private static final int FIRST_READ_BUFFER_BYTES = 256;
    /** What it reads with once a read has filled the first buffer: large messages, or many at once. */
    private static final int GROWN_READ_BUFFER_BYTES = 8 * 1024;
    /** Messages up to this size are written with their header from one buffer. */
    private static final int ONE_BUFFER_WRITE_BYTES = 16 * 1024;

    private final UnixListener<C> listener;
    private final UnixStream.Opener<C> opener;
    private final FrameDecoder decoder;
    private ByteBuffer readBuffer = ByteBuffer.allocate(FIRST_READ_BUFFER_BYTES).flip();
    private volatile UnixStream stream;
    private volatile boolean readCancelled;
    private PeerIdentity peer = PeerIdentity.UNKNOWN;

    UnixPipeInstance(UnixListener<C> listener, UnixStream.Opener<C> opener, int maxMessageBytes) {
        this.listener = listener;
        this.opener = opener;
        this.decoder = FrameDecoder.forServer(maxMessageBytes);
    }

    @Override
    public void connect() throws IOException {
        UnixStream accepted = opener.open(listener.acceptWaiting());
        stream = accepted;
        peer = accepted.peer();
    }

    @Override
    public PeerIdentity peer() {
        return peer;
    }

    @Override
    public byte[] readMessage() throws IOException {
        UnixStream s = connected();
        while (!readCancelled) {
            byte[] message = decoder.decode(readBuffer);
            if (message != null) {
                return message;
            }
            readBuffer.clear();
            int n = s.read(readBuffer);
            readBuffer.flip();
            if (n == readBuffer.capacity() && n < GROWN_READ_BUFFER_BYTES) {
                // the read filled the buffer, so more was likely waiting: read in larger steps from now on
                readBuffer = ByteBuffer.allocate(GROWN_READ_BUFFER_BYTES)
                        .put(readBuffer)
                        .flip();
            }
            if (n < 0) {
                if (decoder.isMidFrame() && !readCancelled) {
                    log.debug("client left in the middle of a frame");
                }
                return null;
            }
        }
        return null;
    }

    @Override
    public void writeMessage(byte[] payload) throws IOException {
        if (payload.length <= ONE_BUFFER_WRITE_BYTES) {
            // header and payload in one buffer: one plain write instead of a gathering one of two
            writeFully(new ByteBuffer[] {Frames.encode(payload)});
        } else {
            writeFully(new ByteBuffer[] {Frames.header(payload.length), ByteBuffer.wrap(payload)});
        }
    }

    @Override
    public void writeError(String reason) throws IOException {
        writeFully(new ByteBuffer[] {Frames.encodeError(reason)});
    }

    private void writeFully(ByteBuffer[] buffers) throws IOException {
        UnixStream s = connected();
        ByteBuffer last = buffers[buffers.length - 1];
        while (last.hasRemaining() || buffers[0].hasRemaining()) {
            s.write(buffers);
        }
    }

    /** Nothing to wait for: a write returned once the kernel held its bytes, and closing does not discard them. */
    @Override
    public boolean flush(java.time.Duration timeout) {
        return true;
    }

    @Override
    public void cancelRead() {
        readCancelled = true;
        UnixStream s = stream;
        if (s != null && s.isOpen()) {
            try {
                s.shutdownInput(); // wakes a thread blocked in read: it sees end-of-stream
            } catch (IOException e) {
                log.debug("shutdownInput: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        UnixStream s = stream;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                log.debug("close: {}", e.toString());
            }
        }
    }

    private UnixStream connected() {
        UnixStream s = stream;
        if (s == null) {
            throw new IllegalStateException("instance is not connected to a client");
        }
        return s;
    }

    @Override
    public String toString() {
        UnixStream s = stream;
        return "UnixPipeInstance[" + (s == null ? "unconnected" : s.isOpen() ? "connected " + peer : "closed") + "]";
    }
}
