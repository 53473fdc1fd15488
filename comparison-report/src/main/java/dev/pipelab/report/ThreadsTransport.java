package dev.pipelab.report;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeClient;
import dev.pipelab.api.PipeErrorException;
import dev.pipelab.report.WorkloadDriver.Client;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A virtual thread per client over the OS seam's client end ({@link PipeClient}): what works
 * wherever PipeLab has a seam, Windows included, where a client end's reads and writes are
 * overlapped calls completed through an I/O completion port, so a waiting thread parks instead
 * of holding its carrier. On Unix the client end waits in a Selector per direction.
 *
 * <ol>
 *   <li>Each client's thread connects (retrying while the server is busy, as WaitNamedPipe
 *       does) and then reads: each frame it receives goes to the driver's check, and what the
 *       driver then lets it send, it sends.
 *   <li>A client may also be told to send from another thread (broadcast: a player may move again
 *       once the others have its last move). Whoever tells it sends for it, unless another thread
 *       is sending for it already, which then sends once more: one writer at a time, in order.
 *   <li>Idle clients connect and hold their connection without a thread; at the end each is read
 *       once, without waiting, to see that the server still holds it.
 * </ol>
 *
 * <p>What it costs: a thread and a hand-over of the driver's lock per reply, and on Unix two
 * Selectors per client; so this driver measures less than the selector driver does, and its
 * figures are only comparable with its own.
 */
final class ThreadsTransport implements ClientTransport {

    /** How long a reader waits before it looks whether the run has ended. */
    private static final Duration READ_SLICE = Duration.ofMillis(250);

    private static final Duration JOIN_TIMEOUT = WorkloadDriver.DRAIN_TIMEOUT.plusSeconds(5);

    /** One client's connection and the thread that owns it. */
    private static final class Link {
        final Client client;
        final ReentrantLock writer = new ReentrantLock(); // held while sending, and while the connection changes
        final AtomicBoolean wanted = new AtomicBoolean(); // the driver may have requests for it
        final ByteBuffer out;
        volatile PipeClient pipe;
        volatile boolean hangUp; // closed by the driver: its thread closes the connection and ends
        Thread thread;

        Link(Client client, int requestBytes) {
            this.client = client;
            this.out = ByteBuffer.allocate(requestBytes);
        }
    }

    private final WorkloadDriver driver;
    private final PipeAddress address;
    private final Link[] links;
    private final ConcurrentLinkedQueue<Link> deferred = new ConcurrentLinkedQueue<>();
    private volatile boolean stopped;

    ThreadsTransport(WorkloadDriver driver, PipeAddress address) {
        this.driver = driver;
        this.address = address;
        this.links = new Link[driver.connections()];
    }

    @Override
    public void connect(List<Client> clients, long deadlineNanos) throws IOException {
        CountDownLatch attempted = new CountDownLatch(clients.size());
        for (Client c : clients) {
            Link l = new Link(c, driver.maxRequestBytes());
            links[c.id] = l;
            l.thread = Thread.ofVirtual()
                    .name("pipelab-report-client-" + c.id)
                    .start(() -> run(l, deadlineNanos, attempted));
        }
        try {
            // each connect is bounded by the deadline itself; the slack covers starting the threads
            long left = deadlineNanos - System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            if (!attempted.await(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                driver.problem(attempted.getCount() + " clients still connecting after the connect timeout");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the clients connected");
        }
    }

    /** A client's thread: connect, then (if busy) converse until the run ends or the client is done. */
    private void run(Link l, long deadlineNanos, CountDownLatch attempted) {
        try {
            boolean up;
            try {
                up = connect(l, deadlineNanos);
            } finally {
                attempted.countDown();
            }
            if (up && l.client.busy) {
                converse(l);
            }
        } catch (Throwable t) { // the boundary of a client's thread: its failure is the run's error, never lost
            driver.fail(l.client, "unexpected: " + t);
        } finally {
            if (l.client.busy) {
                hangUpNow(l);
            }
            flushDeferred();
        }
    }

    private boolean connect(Link l, long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            driver.fail(l.client, "could not connect within the connect timeout");
            return false;
        }
        try {
            PipeClient pipe = PipeClient.connect(address, Duration.ofNanos(left), driver.maxReplyBytes())
                    .ioTimeout(WorkloadDriver.DRAIN_TIMEOUT);
            l.writer.lock();
            try {
                l.pipe = pipe;
            } finally {
                l.writer.unlock();
            }
            driver.connected(l.client);
            return true;
        } catch (SocketTimeoutException e) {
            driver.fail(l.client, "could not connect within the connect timeout (the server stayed busy)");
        } catch (IOException e) {
            driver.fail(l.client, "connect: " + e);
        }
        flushDeferred();
        return false;
    }

    /** Reads and checks each frame; sends what the driver then allows; churns; until the run or the client ends. */
    private void converse(Link l) {
        while (!stopped && !l.hangUp) {
            byte[] reply;
            try {
                reply = l.pipe.receive(READ_SLICE);
            } catch (PipeErrorException e) {
                driver.fail(l.client, "error frame: " + e.getMessage());
                return;
            } catch (SocketTimeoutException e) {
                continue; // nothing yet: look whether the run has ended, and wait on
            } catch (IOException e) {
                if (!l.hangUp) {
                    driver.fail(l.client, "read: " + e);
                }
                return;
            }
            if (reply == null) {
                driver.endOfStream(l.client);
                return;
            }
            WorkloadDriver.Next next = driver.accept(l.client, reply);
            flushDeferred();
            switch (next) {
                case GO_ON -> send(l.client);
                case HANG_UP -> {
                    hangUpNow(l);
                    if (!driver.sending() || !callAgain(l)) {
                        return;
                    }
                }
                case STOP -> {
                    return;
                }
            }
        }
    }

    /** Churn: connects anew and sends the next exchange's request, timed from the call. */
    private boolean callAgain(Link l) {
        long started = System.nanoTime();
        l.hangUp = false;
        if (!connect(l, started + WorkloadDriver.DRAIN_TIMEOUT.toNanos())) {
            return false;
        }
        driver.calling(l.client, started);
        send(l.client);
        return true;
    }

    @Override
    public void send(Client c) {
        Link l = links[c.id];
        if (l == null) {
            return;
        }
        l.wanted.set(true);
        if (driver.holdsBooks()) {
            deferred.add(l); // no I/O under the driver's lock: sent once the lock is let go
        } else {
            drain(l);
        }
    }

    /** Sends what {@code l}'s client may send, unless another thread is doing so, which then sends again. */
    private void drain(Link l) {
        while (l.wanted.get() && l.writer.tryLock()) {
            try {
                PipeClient pipe = l.pipe;
                if (!l.wanted.getAndSet(false) || pipe == null || l.hangUp) {
                    continue;
                }
                l.out.clear();
                driver.nextRequests(l.client, l.out);
                l.out.flip();
                if (l.out.hasRemaining()) {
                    pipe.sendRaw(l.out);
                }
            } catch (IOException e) {
                driver.fail(l.client, "write: " + e);
            } finally {
                l.writer.unlock();
            }
        }
    }

    private void flushDeferred() {
        Link l;
        while ((l = deferred.poll()) != null) {
            drain(l);
        }
    }

    @Override
    public void pump(long deadlineNanos) {
        long now;
        while ((now = System.nanoTime()) < deadlineNanos && !driver.everyoneAnswered()) {
            flushDeferred();
            try {
                driver.awaitSettled(Math.min(deadlineNanos - now, TimeUnit.MILLISECONDS.toNanos(100)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            driver.sampleThreads();
        }
        flushDeferred();
    }

    /** A busy client's thread closes its connection itself, soon; an idle client has no thread, so now. */
    @Override
    public void close(Client c) {
        Link l = links[c.id];
        if (l == null) {
            return;
        }
        l.hangUp = true;
        if (!c.busy) {
            closeQuietly(l.pipe);
        }
    }

    private static void hangUpNow(Link l) {
        l.writer.lock();
        try {
            closeQuietly(l.pipe);
            l.pipe = null;
        } finally {
            l.writer.unlock();
        }
    }

    private static void closeQuietly(PipeClient pipe) {
        if (pipe != null) {
            try {
                pipe.close();
            } catch (IOException e) {
                // closing our own end: nothing more to learn
            }
        }
    }

    /** Reads each idle connection once, without waiting: nothing may have come, not even the end of the stream. */
    @Override
    public void checkIdle(List<Client> idle) {
        for (Client c : idle) {
            Link l = links[c.id];
            PipeClient pipe = l == null ? null : l.pipe;
            if (pipe == null || l.hangUp || c.failed()) {
                continue;
            }
            try {
                byte[] frame = pipe.receive(Duration.ZERO);
                driver.fail(
                        c,
                        frame == null
                                ? "the server closed this idle connection"
                                : "an idle client received " + frame.length + " bytes nobody asked for");
            } catch (SocketTimeoutException e) {
                // nothing came: the server holds the connection, as it should
            } catch (IOException e) {
                driver.fail(c, "idle connection: " + e);
            }
        }
        flushDeferred();
    }

    @Override
    public void close() {
        stopped = true;
        long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        for (Link l : links) {
            if (l == null || l.thread == null) {
                continue;
            }
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !l.thread.join(Duration.ofNanos(left))) {
                    driver.problem(l.thread.getName() + " did not end within " + JOIN_TIMEOUT + " of the run's end");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Link l : links) {
            if (l != null) {
                closeQuietly(l.pipe);
            }
        }
    }
}
