package dev.pipelab.spi.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a client is told when its session's handler throws, and what the log keeps: the client,
 * which may be written in any language, gets plain words, the exception's message; the log
 * gets the exception, its class and its stack, under the session's id.
 */
final class HandlerFailures {

    private static final Logger log = LoggerFactory.getLogger(HandlerFailures.class);

    private HandlerFailures() {}

    /** Logs {@code failure} for session {@code id}; returns the reason for its error frame. */
    static String reason(long id, Exception failure) {
        log.warn("session {}: handler failed", id, failure);
        String message = failure.getMessage();
        return message == null || message.isBlank() ? "handler failed" : "handler failed: " + message.strip();
    }
}
