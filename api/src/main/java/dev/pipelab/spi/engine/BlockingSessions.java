package dev.pipelab.spi.engine;

import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.spi.os.PipeInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live conversations of a thread-per-client engine and their threads: starting one on its
 * own thread (the sample's CreateThread), asking all to stop, and joining them; and a timer
 * thread that closes idle sessions and forces out those closing for longer than the grace
 * period (a blocking write cannot time out by itself). A close helper, not a loop: each engine
 * keeps its own accept loop.
 */
public final class BlockingSessions {

    private static final Logger log = LoggerFactory.getLogger(BlockingSessions.class);
    private static final Duration TICK = Duration.ofMillis(100);

    private final String key;
    private final PipeHandler handler;
    private final PipeServerConfig config;
    private final ServerCounters counters;
    private final ThreadStarter threads;
    private final Set<BlockingConversation> live = ConcurrentHashMap.newKeySet();
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();
    private final Queue<Thread> ending = new ConcurrentLinkedQueue<>(); // past their finally, maybe alive
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ended = lock.newCondition();
    private int unfinished; // conversation threads started and not yet past their finally
    private final Condition tick = lock.newCondition();
    private boolean timerStopped;
    private Thread timer;

    /** Conversations of engine {@code key}, whose threads {@code threads} starts. */
    public BlockingSessions(
            String key, PipeHandler handler, PipeServerConfig config, ServerCounters counters, ThreadStarter threads) {
        this.key = key;
        this.handler = handler;
        this.config = config;
        this.counters = counters;
        this.threads = threads;
    }

    /**
     * Starts the conversation with the client connected on {@code instance} on a thread of its
     * own, named {@code pipelab-KEY-session-ID} (its writer for pushes, if it needs one,
     * {@code pipelab-KEY-writer-ID}).
     * {@code onEnd} runs on that thread when the conversation is over and its connection closed.
     */
    public void start(PipeInstance instance, Runnable onEnd) {
        BlockingConversation conversation = new BlockingConversation(instance, handler, config, counters);
        live.add(conversation);
        String prefix = "pipelab-" + key + "-";
        for (Thread t; (t = ending.peek()) != null && !t.isAlive(); ) {
            ending.poll(); // only this method removes: the head is still t
        }
        count(+1);
        try {
            threads.start(prefix + "session-" + conversation.id(), () -> {
                running.add(Thread.currentThread());
                try {
                    conversation.run(threads, prefix + "writer-" + conversation.id());
                } catch (Throwable t) {
                    log.error("{}: conversation failed unexpectedly", conversation, t);
                } finally {
                    live.remove(conversation);
                    onEnd.run();
                    ending.add(Thread.currentThread());
                    running.remove(Thread.currentThread());
                    count(-1);
                }
            });
        } catch (RuntimeException | OutOfMemoryError e) {
            live.remove(conversation);
            instance.close();
            counters.disconnected();
            onEnd.run();
            count(-1);
            throw e;
        }
    }

    /** Starts the timer thread, {@code pipelab-KEY-timer}. */
    public void startTimer() {
        timer = threads.start("pipelab-" + key + "-timer", this::timerLoop);
    }

    private void timerLoop() {
        lock.lock();
        try {
            while (!timerStopped) {
                tick.awaitNanos(TICK.toNanos());
                lock.unlock();
                try {
                    sweep(System.nanoTime());
                } finally {
                    lock.lock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private void sweep(long now) {
        for (BlockingConversation c : live) {
            switch (c.due(now)) {
                case DISCONNECT -> {
                    log.debug("{}: not done within the grace period, disconnecting", c);
                    c.disconnect();
                }
                case CLOSE_IDLE -> {
                    log.debug("{}: idle for {}, closing", c, config.idleTimeout());
                    c.close();
                }
                case NOTHING -> {}
            }
        }
    }

    /** Stops the timer thread and waits for it. */
    public void stopTimer() {
        lock.lock();
        try {
            timerStopped = true;
            tick.signalAll();
        } finally {
            lock.unlock();
        }
        if (timer != null && !Threads.join(timer, Duration.ofSeconds(5))) {
            log.warn("timer {} did not stop", timer.getName());
        }
    }

    /** Asks every conversation to stop reading; each then writes what it owes and disconnects. */
    public void closeAll() {
        live.forEach(BlockingConversation::close);
    }

    /**
     * Waits for every conversation thread to end, each of which gives its client at most the
     * grace period; returns the threads still alive after {@code timeout}.
     */
    public List<Thread> joinAll(Duration timeout) {
        long left = timeout.toNanos();
        long deadline = System.nanoTime() + left;
        lock.lock();
        try {
            while (unfinished > 0 && left > 0) {
                left = ended.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        // join the threads past their last line too, and any that are stuck, in what is left of the time
        List<Thread> all = new ArrayList<>(running);
        all.addAll(ending);
        return Threads.joinAll(all, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    private void count(int delta) {
        lock.lock();
        try {
            unfinished += delta;
            if (unfinished == 0) {
                ended.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The conversations now live, a thread-safe view. */
    public Collection<BlockingConversation> live() {
        return Collections.unmodifiableSet(live);
    }

    /** How many conversations are live. */
    public int size() {
        return live.size();
    }
}
