package dev.pipelab.spi.engine;

/**
 * One frame waiting to be written to a client: a message, or the error frame that ends the
 * session. Each is its own frame, however alike two may be: it is compared by identity.
 */
public final class OutboundFrame {

    private final byte[] payload;
    private final String errorReason;

    private OutboundFrame(byte[] payload, String errorReason) {
        this.payload = payload;
        this.errorReason = errorReason;
    }

    static OutboundFrame message(byte[] payload) {
        return new OutboundFrame(payload, null);
    }

    static OutboundFrame error(String reason) {
        return new OutboundFrame(null, reason);
    }

    /** The message payload, or null for an error frame; the handler gave it up, so it is not copied. */
    public byte[] payload() {
        return payload;
    }

    /** The error frame's reason, or null for a message. */
    public String errorReason() {
        return errorReason;
    }

    /** True for the error frame. */
    public boolean isError() {
        return errorReason != null;
    }

    /** Bytes this frame takes in the queue's account: its payload plus the length word. */
    long accountedBytes() {
        return 4L + (payload != null ? payload.length : errorReason.length() * 3L + 4);
    }

    @Override
    public String toString() {
        return isError() ? "error frame: " + errorReason : "frame of " + payload.length + " bytes";
    }
}
