package dev.pipelab.os.windows;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.pipelab.api.protocol.Frames;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The write side of an instance: the frame being written, in native memory that stays valid
 * while the WriteFile is pending (this object holds it until the next frame). Used by one thread
 * at a time.
 */
final class OutboundFrames {

    private static final int FIRST_BYTES = 4 * 1024;

    private Memory buffer = new Memory(FIRST_BYTES);
    private int length;

    /** Puts the frame of {@code payload} in the buffer; returns its length. */
    int message(byte[] payload) {
        ensure(Frames.HEADER_BYTES + (long) payload.length);
        // JNA's views are in native order; the frame's length word is big-endian
        buffer.getByteBuffer(0, Frames.HEADER_BYTES).order(ByteOrder.BIG_ENDIAN).putInt(0, payload.length);
        buffer.write(Frames.HEADER_BYTES, payload, 0, payload.length);
        length = Frames.HEADER_BYTES + payload.length;
        return length;
    }

    /** Puts the error frame carrying {@code reason} in the buffer; returns its length. */
    int error(String reason) {
        ByteBuffer frame = Frames.encodeError(reason);
        ensure(frame.remaining());
        length = frame.remaining();
        buffer.getByteBuffer(0, length).put(frame);
        return length;
    }

    /** The frame from byte {@code offset} on. */
    Pointer from(int offset) {
        return buffer.share(offset);
    }

    /** The frame's length. */
    int length() {
        return length;
    }

    private void ensure(long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a frame of " + bytes + " bytes is larger than a write can be");
        }
        if (buffer.size() < bytes) {
            buffer = new Memory(Math.max(bytes, 2 * buffer.size()));
        }
    }
}
