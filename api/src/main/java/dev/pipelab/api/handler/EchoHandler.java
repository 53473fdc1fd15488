package dev.pipelab.api.handler;

import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.Session;

/** {@code echo}: each request is answered with one frame carrying the same payload. */
public final class EchoHandler implements PipeHandler {

    /** A new {@code echo} handler; it keeps no state. */
    public EchoHandler() {}

    @Override
    public void onMessage(Session session, byte[] message) {
        session.send(message);
    }

    @Override
    public String toString() {
        return "echo";
    }
}
