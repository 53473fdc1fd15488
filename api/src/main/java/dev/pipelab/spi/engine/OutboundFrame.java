package dev.pipelab.spi.engine;

/**
 * One frame waiting to be written to a client: a message, or the error frame that ends the
 * session.
 *
 * @param payload the message payload, or null for an error frame
 * @param errorReason the error frame's reason, or null for a message
 */
public record OutboundFrame(byte[] payload, String errorReason) {

    static OutboundFrame message(byte[] payload) {
        return new OutboundFrame(payload, null);
    }

    static OutboundFrame error(String reason) {
        return new OutboundFrame(null, reason);
    }

    /** True for the error frame. */
    public boolean isError() {
        return errorReason != null;
    }

    /** Bytes this frame takes in the queue's account: its payload plus the length word. */
    long accountedBytes() {
        return 4L + (payload != null ? payload.length : errorReason.length() * 3L + 4);
    }
}
