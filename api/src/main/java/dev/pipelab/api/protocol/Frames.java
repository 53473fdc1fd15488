package dev.pipelab.api.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Frame layout of the PipeLab wire protocol, version 1: a 4-byte big-endian length, then that
 * many payload bytes. A length word with the top bit set is reserved; {@code 0x80000000}
 * followed by a second length word marks an error frame whose payload is a UTF-8 reason.
 */
public final class Frames {

    /** Bytes in a length word. */
    public static final int HEADER_BYTES = 4;

    /** The reserved top bit of a length word. */
    public static final int RESERVED_BIT = 0x8000_0000;

    /** The length word that opens an error frame. */
    public static final int ERROR_MARK = RESERVED_BIT;

    /** The largest payload one frame can carry. */
    public static final int MAX_PAYLOAD_BYTES = Integer.MAX_VALUE;

    /** Default {@code maxMessageBytes}: 1 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;

    private Frames() {}

    /** A buffer holding the whole frame for {@code payload}, ready to be written. */
    public static ByteBuffer encode(byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        frame.putInt(payload.length).put(payload).flip();
        return frame;
    }

    /** A buffer holding the length word for {@code payloadBytes}. */
    public static ByteBuffer header(int payloadBytes) {
        if (payloadBytes < 0) {
            throw new IllegalArgumentException("payload length must be >= 0, was " + payloadBytes);
        }
        return ByteBuffer.allocate(HEADER_BYTES).putInt(0, payloadBytes);
    }

    /** A buffer holding the error frame that carries {@code reason}. */
    public static ByteBuffer encodeError(String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(2 * HEADER_BYTES + text.length);
        frame.putInt(ERROR_MARK).putInt(text.length).put(text).flip();
        return frame;
    }

    /** Bytes on the wire for a frame carrying {@code payloadBytes}. */
    public static long frameBytes(int payloadBytes) {
        return (long) HEADER_BYTES + payloadBytes;
    }

    /** The reason a server gives for a length above the configured maximum. */
    public static String tooLarge(long length, int maxMessageBytes) {
        return "message of " + length + " bytes exceeds maxMessageBytes=" + maxMessageBytes;
    }
}
