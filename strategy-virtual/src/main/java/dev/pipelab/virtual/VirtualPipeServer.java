package dev.pipelab.virtual;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.PipeServerStats;
import dev.pipelab.spi.engine.BlockingSessions;
import dev.pipelab.spi.engine.LoopBackoff;
import dev.pipelab.spi.engine.ServerCounters;
import dev.pipelab.spi.engine.ServerLifecycle;
import dev.pipelab.spi.engine.ThreadStarter;
import dev.pipelab.spi.engine.Threads;
import dev.pipelab.spi.os.NamedPipe;
import dev.pipelab.spi.os.PipeInstance;
import dev.pipelab.spi.os.PipeSystem;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The modern fourth way: <b>one virtual thread per client</b> over the same plain blocking
 * calls as the {@code threaded} engine. The code a client runs is exactly the multithreaded
 * sample's; only the thread under it is different. Lay this class beside
 * {@code ThreadedPipeServer}: they differ in the kind of thread they start, and in nothing else
 * that matters, which is the point of virtual threads.
 *
 * <h2>How it works</h2>
 * <ol>
 *   <li>The accept thread ({@link #acceptLoop}), itself virtual, creates an instance
 *       (CreateNamedPipe) and waits in ConnectNamedPipe for a client.
 *   <li>It starts a virtual thread for the connected client and loops. At most
 *       {@code maxInstances} clients are served at once; more wait in the backlog.
 *   <li>The client's virtual thread reads a request (ReadFile), lets the handler answer, writes
 *       the replies (WriteFile), and reads again, until the client leaves; then it writes what
 *       is still owed, flushes (FlushFileBuffers) and disconnects. A client that receives
 *       pushes gets a second virtual thread that writes them (see {@code BlockingConversation}).
 * </ol>
 *
 * <h2>Why it scales</h2>
 * A virtual thread is a heap object the JDK schedules on a few carrier threads (one per core by
 * default). When it blocks in a JDK channel read, accept or write, or in a lock or condition,
 * the JDK parks it, registers the socket with its poller (epoll), and frees the carrier for
 * another virtual thread. Ten thousand idle clients are ten thousand small stacks in the heap,
 * not ten thousand kernel threads. The blocking style stays: each client's code reads top to
 * bottom, and the poller does what the single-threaded engines do by hand.
 *
 * <p><b>What would break it:</b> a call that blocks <em>inside native code</em> (a JNA
 * ReadFile on a Windows pipe handle, say) pins the carrier: the JDK cannot unmount a thread
 * that is in a native frame, and it does not add carriers to make up for it. With two carriers,
 * two such reads stop every other virtual thread. So over Windows named pipes this engine must
 * park on overlapped completions rather than block in kernel32: there every call starts
 * overlapped and the thread parks until one platform thread, waiting on an I/O completion port
 * (GetQueuedCompletionStatusEx), sees its packet and unparks it, as the JDK does for its own
 * sockets on Windows; only FlushFileBuffers, which has no overlapped form, runs on a platform
 * thread of its own while the virtual thread waits for it. On Linux the JDK's AF_UNIX channels
 * are poller-aware and nothing pins. Every lock a session's thread may wait for here
 * (the outbound queue, the write lock, the writer's start, the server's lifecycle) is a
 * {@code ReentrantLock}, which parks without pinning on every JDK from 21.
 *
 * <h2>States</h2>
 * As in {@code threaded}: each virtual thread's place in its code is its state.
 *
 * <h2>Handlers</h2>
 * The handler runs on the client's virtual thread, concurrently with other clients'. It may
 * block on JDK I/O and locks; it should not hold a monitor ({@code synchronized}) across
 * blocking calls on JDK 21-23, where that pins the carrier. Shared state needs a lock.
 *
 * <h2>When to choose it, and what it costs</h2>
 * Many clients, blocking-style handlers, and code that should read as simply as the threaded
 * sample. Each client costs a virtual thread (two if it receives pushes): a few hundred bytes
 * while parked, plus its stack chunks in the heap, and a registration with the JDK's poller;
 * CPU goes to mounting and unmounting threads.
 *
 * <h2>On Linux</h2>
 * As in {@code threaded}: a listening AF_UNIX socket, blocking accept, blocking channel reads
 * and writes; here they park the virtual thread on the JDK's epoll-based poller.
 */
public final class VirtualPipeServer implements PipeServer {

    /** The engine's key. */
    public static final String KEY = "virtual";

    private static final Logger log = LoggerFactory.getLogger(VirtualPipeServer.class);
    private static final Duration JOIN_MARGIN = Duration.ofSeconds(10);

    private final PipeServerConfig config;
    private final PipeSystem pipes;
    private final ServerCounters counters = new ServerCounters();
    private final BlockingSessions sessions;
    private final Semaphore clientSlots;
    private final ServerLifecycle lifecycle = new ServerLifecycle();
    private NamedPipe namedPipe;
    private Thread acceptThread;
    private volatile Throwable failure;

    VirtualPipeServer(PipeServerConfig config, PipeHandler handler, PipeSystem pipes) {
        this.config = config;
        this.pipes = pipes;
        this.sessions = new BlockingSessions(KEY, handler, config, counters, ThreadStarter.virtual());
        this.clientSlots = new Semaphore(config.maxInstances());
    }

    @Override
    public PipeServer start() throws IOException {
        lifecycle.start(this, () -> {
            namedPipe = pipes.createNamedPipe(config);
            sessions.startTimer(); // idle sessions, and sessions past their grace period
            acceptThread = Thread.ofVirtual().name("pipelab-virtual-accept").start(this::acceptLoop);
        });
        log.info("virtual server listening at {}", config.address());
        return this;
    }

    /** Create an instance, wait for its client, give the client a virtual thread, repeat. */
    private void acceptLoop() {
        LoopBackoff backoff = new LoopBackoff();
        while (namedPipe.isOpen()) {
            if (!acquireClientSlot()) {
                return; // interrupted: the server is stopping
            }
            PipeInstance instance = null;
            try {
                instance = namedPipe.createInstance(); // CreateNamedPipe
                instance.connect(); // ConnectNamedPipe: parks this virtual thread until a client comes
                sessions.start(instance, clientSlots::release); // a virtual thread for the client
                backoff.succeeded();
            } catch (ClosedChannelException e) {
                clientSlots.release();
                if (instance != null) {
                    instance.close(); // CloseHandle of the instance that was listening
                }
                return; // close() closed the pipe
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                clientSlots.release();
                if (instance != null) {
                    instance.close();
                }
                log.warn("virtual server at {}: could not serve a new client", config.address(), e);
                if (!backoff.failedAndPaused()) {
                    stopAfterFailure(e);
                    return;
                }
            }
        }
    }

    private boolean acquireClientSlot() {
        try {
            clientSlots.acquire(); // maxInstances clients served: further clients wait in the backlog
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void stopAfterFailure(Throwable cause) {
        failure = cause;
        log.error("virtual server at {} stops: its accept loop keeps failing", config.address(), cause);
        namedPipe.close();
        sessions.closeAll();
    }

    @Override
    public void close() {
        if (!lifecycle.beginClose()) {
            return;
        }
        namedPipe.close(); // 1. stop accepting
        acceptThread.interrupt(); // it may be waiting for a free slot instead
        Threads.join(acceptThread, JOIN_MARGIN);
        sessions.closeAll(); // 2. stop reading; each client gets what it is owed, then disconnects
        sessions.joinAll(config.gracePeriod().plus(JOIN_MARGIN)); // 3. the timer forces any out after the grace
        sessions.stopTimer();
        log.info("virtual server at {} closed: {}", config.address(), counters);
    }

    @Override
    public String strategy() {
        return KEY;
    }

    @Override
    public PipeAddress address() {
        return config.address();
    }

    @Override
    public PipeServerStats stats() {
        return counters.snapshot();
    }

    @Override
    public boolean isRunning() {
        return lifecycle.isOpen() && namedPipe.isOpen();
    }

    @Override
    public String toString() {
        return "VirtualPipeServer[" + config.address() + ", clients=" + sessions.size() + "/" + config.maxInstances()
                + ", " + counters + (failure != null ? ", failed: " + failure : "") + "]";
    }
}
