package dev.pipelab.api.handler;

import dev.pipelab.api.HandlerConcurrency;
import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.Session;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@code broadcast}, the network game of the Win32 page: each request (a player's move) is
 * delivered as one frame to every other connected client, and no reply goes to the sender.
 * All clients see the broadcasts in one total order: the fan-out of one move finishes before
 * the next begins, because it happens under the shared-state guard (on the single-threaded
 * engines the loop is that guard; on the others a lock). Sends never block, so the guard is
 * held only while frames are queued; a client too slow to take its frames is disconnected by
 * its engine, and nobody waits for it.
 */
public final class BroadcastHandler implements PipeHandler {

    private final SharedState shared;
    private final Set<Session> players = new LinkedHashSet<>();

    public BroadcastHandler(HandlerConcurrency concurrency) {
        this.shared = new SharedState(concurrency);
    }

    @Override
    public void onConnect(Session session) {
        shared.guarded(() -> players.add(session));
    }

    @Override
    public void onMessage(Session session, byte[] move) {
        shared.guarded(() -> {
            for (Session other : players) {
                if (other != session) {
                    other.send(move); // the handler gives up the array: every recipient may share it
                }
            }
            return null;
        });
    }

    @Override
    public void onDisconnect(Session session) {
        shared.guarded(() -> players.remove(session));
    }

    @Override
    public String toString() {
        return "broadcast";
    }
}
