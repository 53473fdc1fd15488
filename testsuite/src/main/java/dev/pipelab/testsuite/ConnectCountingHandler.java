package dev.pipelab.testsuite;

import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.Session;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a handler and counts the sessions whose onConnect has finished, so that a test can
 * wait until every client is known to the handler before it starts a conversation.
 */
public final class ConnectCountingHandler implements PipeHandler {

    private final PipeHandler handler;
    private final AtomicInteger connected = new AtomicInteger();

    public ConnectCountingHandler(PipeHandler handler) {
        this.handler = handler;
    }

    /** Sessions whose onConnect has returned, minus those whose onDisconnect has. */
    public int connected() {
        return connected.get();
    }

    @Override
    public void onConnect(Session session) {
        handler.onConnect(session);
        connected.incrementAndGet();
    }

    @Override
    public void onMessage(Session session, byte[] message) throws Exception {
        handler.onMessage(session, message);
    }

    @Override
    public void onDisconnect(Session session) {
        connected.decrementAndGet();
        handler.onDisconnect(session);
    }
}
