package dev.pipelab.api.protocol;

import dev.pipelab.api.PipeErrorException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Incremental frame decoder: feed it bytes as they arrive, split at any byte or coalesced, and
 * take whole payloads out. It never allocates more than the configured maximum for one payload,
 * and rejects a length above it as soon as the length word is complete.
 *
 * <p>A server-side decoder treats a reserved bit as a protocol error. A client-side decoder
 * ({@link #forClient}) reads an error frame instead and throws {@link PipeErrorException} with
 * the server's reason. Not thread-safe: one decoder per connection, used by one thread at a time.
 */
public final class FrameDecoder {

    private final int maxMessageBytes;
    private final boolean acceptsErrorFrames;

    // The length word as far as it has come, big-endian, and how many of its bytes that is: two
    // ints rather than a ByteBuffer of four bytes, which would be two more objects per client,
    // touched at every message (at thousands of clients, two more cache misses each).
    private int lengthSoFar;
    private int lengthBytes;
    private boolean readingErrorLength;
    private boolean readingErrorText;
    private byte[] payload;
    private int filled;

    private FrameDecoder(int maxMessageBytes, boolean acceptsErrorFrames) {
        if (maxMessageBytes < 0) {
            throw new IllegalArgumentException("maxMessageBytes must be >= 0, was " + maxMessageBytes);
        }
        this.maxMessageBytes = maxMessageBytes;
        this.acceptsErrorFrames = acceptsErrorFrames;
    }

    /** A decoder for frames a client sends to a server. */
    public static FrameDecoder forServer(int maxMessageBytes) {
        return new FrameDecoder(maxMessageBytes, false);
    }

    /** A decoder for frames a server sends to a client, error frames included. */
    public static FrameDecoder forClient(int maxMessageBytes) {
        return new FrameDecoder(maxMessageBytes, true);
    }

    /**
     * Consumes bytes from {@code in} up to the end of at most one frame.
     *
     * @return the payload of the frame completed by these bytes, or {@code null} if more bytes
     *     are needed (then {@code in} has been drained)
     * @throws ProtocolException on a length above the maximum or a reserved bit set
     * @throws PipeErrorException on a complete error frame, for a client-side decoder
     */
    public byte[] decode(ByteBuffer in) throws ProtocolException, PipeErrorException {
        while (in.hasRemaining()) {
            if (payload == null) {
                if (!fillLengthWord(in)) {
                    return null;
                }
                startPayload(lengthSoFar);
                lengthSoFar = 0;
                lengthBytes = 0;
                if (payload == null) {
                    continue; // the error mark: its own length word follows
                }
            }
            int n = Math.min(in.remaining(), payload.length - filled);
            in.get(payload, filled, n);
            filled += n;
            if (filled == payload.length) {
                return completePayload();
            }
        }
        if (payload != null && filled == payload.length) {
            return completePayload(); // a zero-length payload completes without further bytes
        }
        return null;
    }

    /** True while part of a frame has been consumed and the rest has not arrived. */
    public boolean isMidFrame() {
        return lengthBytes > 0 || payload != null || readingErrorLength;
    }

    private boolean fillLengthWord(ByteBuffer in) {
        while (lengthBytes < Frames.HEADER_BYTES && in.hasRemaining()) {
            lengthSoFar = (lengthSoFar << 8) | (in.get() & 0xFF);
            lengthBytes++;
        }
        return lengthBytes == Frames.HEADER_BYTES;
    }

    private void startPayload(int word) throws ProtocolException {
        if (readingErrorLength) {
            readingErrorLength = false;
            readingErrorText = true;
            payload = new byte[checkedLength(word)];
            filled = 0;
            return;
        }
        if ((word & Frames.RESERVED_BIT) != 0) {
            if (acceptsErrorFrames && word == Frames.ERROR_MARK) {
                readingErrorLength = true;
                return;
            }
            throw new ProtocolException(String.format("reserved bit set in frame length word 0x%08x", word));
        }
        payload = new byte[checkedLength(word)];
        filled = 0;
    }

    private int checkedLength(int word) throws ProtocolException {
        long length = Integer.toUnsignedLong(word);
        if (length > maxMessageBytes) {
            throw new ProtocolException(Frames.tooLarge(length, maxMessageBytes));
        }
        return (int) length;
    }

    private byte[] completePayload() throws PipeErrorException {
        byte[] done = payload;
        payload = null;
        filled = 0;
        if (readingErrorText) {
            readingErrorText = false;
            throw new PipeErrorException(new String(done, StandardCharsets.UTF_8));
        }
        return done;
    }
}
