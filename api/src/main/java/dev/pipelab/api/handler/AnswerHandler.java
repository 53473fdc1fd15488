package dev.pipelab.api.handler;

import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.Session;
import java.nio.charset.StandardCharsets;

/** {@code answer}: every request gets the SDK sample's reply, whatever it says. */
public final class AnswerHandler implements PipeHandler {

    /** The reply text, as PROTOCOL.md gives it. */
    public static final String ANSWER = "Default answer from server";

    private static final byte[] ANSWER_BYTES = ANSWER.getBytes(StandardCharsets.UTF_8);

    /** A new {@code answer} handler; it keeps no state. */
    public AnswerHandler() {}

    @Override
    public void onMessage(Session session, byte[] message) {
        session.send(ANSWER_BYTES.clone()); // the handler gives up each array it sends
    }

    @Override
    public String toString() {
        return "answer";
    }
}
