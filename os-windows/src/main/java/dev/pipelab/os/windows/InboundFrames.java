package dev.pipelab.os.windows;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.pipelab.api.protocol.FrameDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The read side of an instance: a buffer in native memory that ReadFile fills (it stays valid
 * while a read is pending, since this object holds it), and the decoder that turns what arrived
 * into whole messages. Bytes past a whole message wait for the next read, which then needs no
 * call at all if they hold a whole message too. Used by one thread at a time.
 */
final class InboundFrames {

    /** The first reads ask for this much; a read that fills the buffer grows it to {@link #GROWN_BYTES}. */
    static final int FIRST_BYTES = 4 * 1024;

    static final int GROWN_BYTES = 64 * 1024;

    private final int maxMessageBytes;
    private Memory buffer = new Memory(FIRST_BYTES);
    private FrameDecoder decoder;
    private ByteBuffer leftover; // bytes read past the last whole message, or null

    InboundFrames(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
        this.decoder = FrameDecoder.forServer(maxMessageBytes);
    }

    /** For a new client: nothing buffered, a fresh decoder. */
    void reset() {
        decoder = FrameDecoder.forServer(maxMessageBytes);
        leftover = null;
    }

    /** Where ReadFile writes. Valid until the next {@link #received}. */
    Pointer buffer() {
        return buffer;
    }

    /** How many bytes ReadFile may write. */
    int capacity() {
        return (int) buffer.size();
    }

    /** A whole message from bytes already here, or null when a read is needed. */
    byte[] buffered() throws IOException {
        if (leftover == null) {
            return null;
        }
        byte[] m = decoder.decode(leftover);
        if (!leftover.hasRemaining()) {
            leftover = null;
        }
        return m;
    }

    /** True while part of a frame has arrived and the rest has not. */
    boolean isMidFrame() {
        return decoder.isMidFrame() || leftover != null;
    }

    /**
     * Takes the {@code n} bytes a read left in the buffer.
     *
     * @return the message they complete, or null if more bytes are needed
     */
    byte[] received(int n) throws IOException {
        ByteBuffer bytes = buffer.getByteBuffer(0, n);
        byte[] m = decoder.decode(bytes);
        if (bytes.hasRemaining()) {
            leftover = ByteBuffer.allocate(bytes.remaining()).put(bytes).flip(); // frames came coalesced
        }
        if (n == buffer.size() && n < GROWN_BYTES) {
            buffer = new Memory(GROWN_BYTES); // the read filled the buffer: more was likely waiting
        }
        return m;
    }
}
