package dev.pipelab.threaded;

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
 * The multithreaded pipe server: <b>one platform thread per pipe instance</b>, each blocking in
 * its own calls. It is the SDK's "Multithreaded Pipe Server" sample, and reads beside it.
 *
 * <h2>How it works</h2>
 * <ol>
 *   <li>The main thread ({@link #mainLoop}) creates a pipe instance (CreateNamedPipe) and waits
 *       in ConnectNamedPipe until a client connects to it.
 *   <li>It hands the connected instance to a new instance thread (CreateThread) and loops to
 *       create the next instance. At most {@code maxInstances} instances exist; while all are
 *       busy the main thread waits for one to end, and new clients wait in the backlog (the
 *       client's ERROR_PIPE_BUSY and WaitNamedPipe).
 *   <li>The instance thread reads a request (ReadFile), lets the handler answer, writes the
 *       replies (WriteFile), and reads again, until the client leaves. Then it writes what is
 *       still owed, flushes it (FlushFileBuffers: DisconnectNamedPipe would discard what the
 *       client has not read) and disconnects (DisconnectNamedPipe, CloseHandle), as the sample's
 *       {@code InstanceThread} ends; the code is in {@code BlockingConversation}.
 *   <li>Unlike the sample, another client's handler may push a message to this one (a
 *       broadcast) while its thread waits in ReadFile; the first push gives the instance a
 *       second thread that writes pushes, so the pipe is used in both directions at once.
 *   <li>A timer thread closes idle sessions and disconnects, by force, a session that has been
 *       closing for longer than the grace period while its thread is stuck in WriteFile.
 * </ol>
 *
 * <h2>States</h2>
 * There is no state machine: each thread's place in its code is its state. The main thread is
 * in CONNECTING; an instance thread is blocked in ReadFile, in the handler, or in WriteFile while
 * its client does not read (which is the backpressure: no request is read meanwhile). What is
 * pending is whatever call each thread is blocked in.
 *
 * <h2>Handlers</h2>
 * The handler runs on the client's own instance thread, concurrently with every other client's.
 * It may block, and only its own client waits; state shared between clients (a broadcast list,
 * the counter file) needs a lock.
 *
 * <h2>When to choose it, and what it costs</h2>
 * It is the easiest server to write and to follow, and the right one for a few clients with
 * handlers that block. Each client costs a platform thread (two if it receives pushes): a stack
 * the kernel schedules, about 1 MiB of reserved address space, kernel memory, and a context
 * switch per message. Thousands of clients mean thousands of threads, which meet the limits of
 * the OS (threads per user, memory maps per process); the comparison report measures it.
 *
 * <h2>On Linux</h2>
 * CreateNamedPipe is one listening AF_UNIX socket; ConnectNamedPipe is a blocking accept;
 * ReadFile and WriteFile are blocking channel reads and writes of whole frames; the backlog of
 * the listening socket is where waiting clients queue. FlushFileBuffers has nothing to wait for:
 * a write returns once the kernel holds the bytes, and closing the socket does not discard them.
 */
public final class ThreadedPipeServer implements PipeServer {

    /** The engine's key. */
    public static final String KEY = "threaded";

    private static final Logger log = LoggerFactory.getLogger(ThreadedPipeServer.class);
    private static final Duration JOIN_MARGIN = Duration.ofSeconds(10);

    private final PipeServerConfig config;
    private final PipeSystem pipes;
    private final ServerCounters counters = new ServerCounters();
    private final BlockingSessions sessions;
    private final Semaphore instanceSlots;
    private final ServerLifecycle lifecycle = new ServerLifecycle();
    private NamedPipe namedPipe;
    private Thread mainThread;
    private volatile Throwable failure;

    ThreadedPipeServer(PipeServerConfig config, PipeHandler handler, PipeSystem pipes) {
        this.config = config;
        this.pipes = pipes;
        this.sessions = new BlockingSessions(KEY, handler, config, counters, ThreadStarter.platform());
        this.instanceSlots = new Semaphore(config.maxInstances());
    }

    @Override
    public PipeServer start() throws IOException {
        lifecycle.start(this, () -> {
            namedPipe = pipes.createNamedPipe(config);
            sessions.startTimer(); // idle sessions, and sessions past their grace period
            mainThread = Thread.ofPlatform().name("pipelab-threaded-main").start(this::mainLoop);
        });
        log.info("threaded server listening at {}", config.address());
        return this;
    }

    /** The sample's main(): create an instance, wait for its client, give it a thread, repeat. */
    private void mainLoop() {
        LoopBackoff backoff = new LoopBackoff();
        while (namedPipe.isOpen()) {
            if (!acquireInstanceSlot()) {
                return; // interrupted: the server is stopping
            }
            PipeInstance instance = null;
            try {
                instance = namedPipe.createInstance(); // CreateNamedPipe
                instance.connect(); // ConnectNamedPipe: blocks until a client comes
                sessions.start(instance, instanceSlots::release); // CreateThread(InstanceThread)
                backoff.succeeded();
            } catch (ClosedChannelException e) {
                instanceSlots.release();
                if (instance != null) {
                    instance.close(); // CloseHandle of the instance that was listening
                }
                return; // close() closed the pipe
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                instanceSlots.release();
                if (instance != null) {
                    instance.close();
                }
                log.warn("threaded server at {}: could not serve a new client", config.address(), e);
                if (!backoff.failedAndPaused()) {
                    stopAfterFailure(e);
                    return;
                }
            }
        }
    }

    private boolean acquireInstanceSlot() {
        try {
            instanceSlots.acquire(); // every instance busy: further clients wait in the backlog
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void stopAfterFailure(Throwable cause) {
        failure = cause;
        log.error("threaded server at {} stops: its main loop keeps failing", config.address(), cause);
        namedPipe.close();
        sessions.closeAll();
    }

    @Override
    public void close() {
        if (!lifecycle.beginClose()) {
            return;
        }
        namedPipe.close(); // 1. stop accepting: the main thread's ConnectNamedPipe fails
        mainThread.interrupt(); // it may be waiting for a free instance instead
        Threads.join(mainThread, JOIN_MARGIN);
        sessions.closeAll(); // 2. stop reading; each client gets what it is owed, then disconnects
        sessions.joinAll(config.gracePeriod().plus(JOIN_MARGIN)); // 3. the timer forces any out after the grace
        sessions.stopTimer();
        log.info("threaded server at {} closed: {}", config.address(), counters);
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
        return "ThreadedPipeServer[" + config.address() + ", instances=" + sessions.size() + "/" + config.maxInstances()
                + ", " + counters + (failure != null ? ", failed: " + failure : "") + "]";
    }
}
