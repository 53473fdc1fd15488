package dev.pipelab.os.unix;

import dev.pipelab.api.PeerIdentity;
import dev.pipelab.api.protocol.FrameDecoder;
import dev.pipelab.api.protocol.Frames;
import dev.pipelab.os.unix.async.UnixListener;
import dev.pipelab.spi.os.PipeInstance;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.OptionalLong;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One blocking instance: {@code connect} is accept, {@code readMessage} reads and decodes until
 * a frame is whole. Blocking channel calls park a virtual thread instead of its carrier, so the
 * same instance serves both thread-per-client engines.
 */
final class UnixPipeInstance implements PipeInstance {

    private static final Logger log = LoggerFactory.getLogger(UnixPipeInstance.class);
    /** What a connection reads with at first: enough for small messages, little for an idle client to hold. */
    private static final int FIRST_READ_BUFFER_BYTES = 256;
    /** What it reads with once a read has filled the first buffer: large messages, or many at once. */
    private static final int GROWN_READ_BUFFER_BYTES = 8 * 1024;
    /** Messages up to this size are written with their header from one buffer. */
    private static final int ONE_BUFFER_WRITE_BYTES = 16 * 1024;

    private final UnixListener<SocketChannel> listener;
    private final FrameDecoder decoder;
    private ByteBuffer readBuffer = ByteBuffer.allocate(FIRST_READ_BUFFER_BYTES).flip();
    private volatile SocketChannel channel;
    private volatile boolean readCancelled;
    private PeerIdentity peer = PeerIdentity.UNKNOWN;

    UnixPipeInstance(UnixListener<SocketChannel> listener, int maxMessageBytes) {
        this.listener = listener;
        this.decoder = FrameDecoder.forServer(maxMessageBytes);
    }

    @Override
    public void connect() throws IOException {
        SocketChannel accepted = listener.acceptWaiting();
        channel = accepted;
        peer = peerOf(accepted);
    }

    static PeerIdentity peerOf(SocketChannel channel) {
        try {
            UnixDomainPrincipal principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return new PeerIdentity(
                    principal.user().getName(), principal.group().getName(), OptionalLong.empty());
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("no peer credentials: {}", e.toString());
            return PeerIdentity.UNKNOWN;
        }
    }

    @Override
    public PeerIdentity peer() {
        return peer;
    }

    @Override
    public byte[] readMessage() throws IOException {
        SocketChannel ch = connected();
        while (!readCancelled) {
            byte[] message = decoder.decode(readBuffer);
            if (message != null) {
                return message;
            }
            readBuffer.clear();
            int n = ch.read(readBuffer);
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
        SocketChannel ch = connected();
        ByteBuffer last = buffers[buffers.length - 1];
        while (last.hasRemaining() || buffers[0].hasRemaining()) {
            if (buffers.length == 1) {
                ch.write(last);
            } else {
                ch.write(buffers);
            }
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
        SocketChannel ch = channel;
        if (ch != null && ch.isOpen()) {
            try {
                ch.shutdownInput(); // wakes a thread blocked in read: it sees end-of-stream
            } catch (IOException e) {
                log.debug("shutdownInput: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        SocketChannel ch = channel;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                log.debug("close: {}", e.toString());
            }
        }
    }

    private SocketChannel connected() {
        SocketChannel ch = channel;
        if (ch == null) {
            throw new IllegalStateException("instance is not connected to a client");
        }
        return ch;
    }

    @Override
    public String toString() {
        SocketChannel ch = channel;
        return "UnixPipeInstance[" + (ch == null ? "unconnected" : ch.isOpen() ? "connected " + peer : "closed") + "]";
    }
}
