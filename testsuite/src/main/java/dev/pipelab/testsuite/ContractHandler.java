package dev.pipelab.testsuite;

import dev.pipelab.api.PeerIdentity;
import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.Session;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The handler of the contract suite: echo, except for a few commands that let a test provoke
 * what it needs. Never blocks, so it is valid on every engine.
 *
 * <ul>
 *   <li>{@code fail}: throws, which must end that session only with an error frame;
 *   <li>{@code big:N}: answers with N bytes, each the byte value of its index;
 *   <li>{@code twice:X}: answers {@code X} twice;
 *   <li>{@code push:X}: sends {@code X} to every other connected session, and no reply;
 *   <li>{@code close}: ends the session gracefully, with no reply.
 * </ul>
 */
public final class ContractHandler implements PipeHandler {

    /** Peers seen by onConnect, in order. */
    public final Queue<PeerIdentity> peers = new ConcurrentLinkedQueue<>();
    /** Ids of sessions whose onDisconnect ran, in order. */
    public final Queue<Long> disconnected = new ConcurrentLinkedQueue<>();

    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();

    @Override
    public void onConnect(Session session) {
        peers.add(session.peer());
        sessions.add(session);
    }

    @Override
    public void onMessage(Session session, byte[] message) {
        String text = message.length <= 64 ? new String(message, StandardCharsets.UTF_8) : "";
        if (text.equals("fail")) {
            throw new IllegalStateException("the test asked this handler to fail");
        } else if (text.startsWith("big:")) {
            session.send(bigPayload(Integer.parseInt(text.substring(4))));
        } else if (text.startsWith("twice:")) {
            byte[] x = text.substring(6).getBytes(StandardCharsets.UTF_8);
            session.send(x);
            session.send(x.clone());
        } else if (text.startsWith("push:")) {
            byte[] x = text.substring(5).getBytes(StandardCharsets.UTF_8);
            for (Session other : sessions) {
                if (other != session) {
                    other.send(x);
                }
            }
        } else if (text.equals("close")) {
            session.close();
        } else {
            session.send(message);
        }
    }

    @Override
    public void onDisconnect(Session session) {
        sessions.remove(session);
        disconnected.add(session.id());
    }

    /** The payload {@code big:N} answers with. */
    public static byte[] bigPayload(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }
}
