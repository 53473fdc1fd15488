package dev.pipelab.api.protocol;

import java.io.IOException;

/**
 * The peer broke the wire protocol: a length above the maximum or a reserved bit set. The
 * message is the reason sent to the peer in the error frame, so it names the problem plainly.
 */
public final class ProtocolException extends IOException {

    private static final long serialVersionUID = 1L;

    public ProtocolException(String reason) {
        super(reason);
    }
}
