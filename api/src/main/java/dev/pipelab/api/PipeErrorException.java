package dev.pipelab.api;

import java.io.IOException;

/**
 * The server sent an error frame: it rejected this client's input or its handler failed, and it
 * closes the connection. The message is the server's reason, as it sent it.
 */
public final class PipeErrorException extends IOException {

    private static final long serialVersionUID = 1L;

    public PipeErrorException(String reason) {
        super(reason);
    }

    /** The reason text of the error frame. */
    public String reason() {
        return getMessage();
    }
}
