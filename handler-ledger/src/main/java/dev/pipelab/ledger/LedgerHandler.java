package dev.pipelab.ledger;

import dev.pipelab.api.HandlerConcurrency;
import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.Session;
import dev.pipelab.api.handler.BuiltInHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ledger}: the Win32 page's "database file" made real. Accounts and transfers live in an
 * SQLite file ({@link LedgerStore}: WAL, {@code synchronous=FULL}); a reply leaves only after
 * the change it acknowledges is durable, so an acknowledged transfer survives {@code kill -9},
 * and no update is lost, whichever engine serves the clients.
 *
 * <p><b>The lesson: one writer, and group commit.</b> A durable commit costs one fsync, about
 * 0.4 ms on this project's machine (2,600 synced commits per second with one connection), and
 * every engine must pay it without stalling everyone else. So no engine thread ever touches the
 * database: every request, parsed on the engine's thread, goes into one queue, and one platform
 * thread, {@code pipelab-ledger-writer}, owns the one connection. It takes what has queued, applies
 * it in one transaction, commits it with one sync and then releases every reply of the batch, in
 * queue order. With {@code --ledger-commit group} (the default) a batch is everything that queued
 * while the previous sync ran, so under load one sync acknowledges many transfers; with {@code
 * per-request} every request is a transaction and a sync of its own, which is what a handler that
 * commits in {@code onMessage} would pay, and the report measures both.
 *
 * <dl>
 *   <dt>{@code overlapped}, {@code completion} (one loop thread; handlers must not block)
 *   <dd>No lock: the loop runs one handler call at a time, and the database belongs to the
 *       writer anyway. {@code onMessage} only queues the request and returns, so the loop goes on
 *       serving every other client during the fsync. The writer sends the reply with {@link
 *       Session#send}, which from a foreign thread queues it to the loop (the overlapped loop's
 *       wake event, the completion loop's APC): the commit completes back on the loop, the
 *       completion-routine idea. Each session's replies keep its requests' order because the
 *       queue is one FIFO and the writer sends in that order. Such a reply is a push to the
 *       engine: the engine goes on reading the client's next requests meanwhile (they join the
 *       queue), and a client that half-closes before its replies came may not get them (its
 *       changes are committed nonetheless, as after a crash before the reply).
 *   <dt>{@code threaded}, {@code virtual} (handler calls run concurrently; they may block)
 *   <dd>Correct without a lock of their own: each handler call queues its request and waits for
 *       its batch's commit, then sends the reply itself, so replies stay ordinary replies (with
 *       the engine's backpressure) and each client's requests are answered in order, one at a
 *       time. The queue is the lock: one connection, one writer, transactions one after another
 *       (several connections with {@code BEGIN IMMEDIATE} would only queue for SQLite's one write
 *       lock instead, with busy retries). What it costs: a hand-off to the writer and back per
 *       request, and a parked thread per waiting client (a platform thread each under {@code
 *       threaded}, a cheap virtual one under {@code virtual}); group commit comes by itself,
 *       because the clients whose requests queued during one sync share the next.
 * </dl>
 *
 * <p><b>What it comes to</b> ({@code ledger-c100} and {@code ledger-c100-per-request} in {@code
 * pipelab compare}; docs/MEASUREMENTS.md): with a sync per request every engine was held to the
 * disk, 800 to 1,800 transfers/s; with group commit 13,500 to 26,300, about 40 transfers per
 * sync, and there the loop engines did 1.4x to 1.9x the transfers of {@code threaded} at half its
 * CPU per transfer, because they park no thread per request.
 *
 * <p>A batch is one transaction: if SQLite fails (disk full, I/O error) the whole batch is rolled
 * back and each of its requests is answered {@code error: not committed: ...}; nothing of it
 * stays. Close the handler after the server: {@link #close} answers what is queued, then closes
 * the database.
 */
public final class LedgerHandler implements PipeHandler, AutoCloseable {

    /** The handler's name, as {@code --handler} gives it. */
    public static final String NAME = "ledger";

    private static final Logger log = LoggerFactory.getLogger(LedgerHandler.class);
    private static final int MAX_BATCH = 4096;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** How requests are grouped into durable commits. */
    public enum Commit {
        /** Every request is a transaction with a sync of its own. */
        PER_REQUEST,
        /** Whatever queued during the last sync shares the next transaction and sync. */
        GROUP;

        /** {@code per-request} or {@code group}. */
        public String key() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The policy {@code key} names. */
        public static Commit of(String key) {
            for (Commit c : values()) {
                if (c.key().equals(key)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("unknown ledger commit policy '" + key + "'; known: per-request, group");
        }
    }

    /** A request waiting for its batch, and what to do with its reply. */
    private record Pending(LedgerRequest request, Consumer<String> reply) {}

    private static final Pending STOP = new Pending(new LedgerRequest.Total(), reply -> {});

    private final HandlerConcurrency concurrency;
    private final Commit commit;
    private final LedgerStore store;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final ReentrantLock admission = new ReentrantLock(); // nothing is queued after STOP
    private boolean closed;
    private volatile long batches;
    private volatile long requests;

    /**
     * A ledger in {@code file} (created if missing), for an engine that calls handlers as {@code
     * concurrency} says; starts its writer thread.
     *
     * @throws SQLException if the file cannot be opened as a ledger
     */
    public LedgerHandler(HandlerConcurrency concurrency, Path file, Commit commit) throws SQLException {
        this.concurrency = concurrency;
        this.commit = commit;
        try {
            this.store = new LedgerStore(file);
        } catch (SQLException e) {
            throw new SQLException(
                    "cannot open " + file.toAbsolutePath() + " as a ledger: " + e.getMessage(), e.getSQLState(), e);
        }
        this.writer = new Thread(this::writeLoop, "pipelab-ledger-writer");
        writer.start();
    }

    /** The ledger's file when none is named: beside the socket, as for the counter. */
    public static Path defaultFile(PipeServerConfig config) {
        return BuiltInHandlers.besideSocket(config, NAME);
    }

    @Override
    public void onMessage(Session session, byte[] message) throws Exception {
        LedgerRequest request = LedgerRequest.parse(message);
        if (concurrency == HandlerConcurrency.ONE_AT_A_TIME) {
            enqueue(new Pending(request, reply -> session.send(utf8(reply)))); // sent by the writer
            return;
        }
        CompletableFuture<String> reply = new CompletableFuture<>();
        enqueue(new Pending(request, reply::complete));
        session.send(utf8(reply.get())); // the writer answers everything queued before close's STOP
    }

    private void enqueue(Pending pending) {
        admission.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the ledger is closed");
            }
            queue.add(pending);
        } finally {
            admission.unlock();
        }
    }

    private static byte[] utf8(String reply) {
        return reply.getBytes(StandardCharsets.UTF_8);
    }

    /** The writer thread: batch, apply, commit (one sync), then release the replies. */
    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break; // only close interrupts, and only after a STOP that was not taken in time
            }
            if (commit == Commit.GROUP) {
                queue.drainTo(batch, MAX_BATCH - 1);
            }
            stopping = batch.removeIf(p -> p == STOP);
            if (!batch.isEmpty()) {
                answer(batch, applyAndCommit(batch));
            }
            batch.clear();
        }
        queue.drainTo(batch); // only after an interrupt: answer what was still queued
        batch.removeIf(p -> p == STOP);
        if (!batch.isEmpty()) {
            answer(batch, applyAndCommit(batch));
        }
    }

    private List<String> applyAndCommit(List<Pending> batch) {
        List<String> replies = new ArrayList<>(batch.size());
        try {
            for (Pending p : batch) {
                replies.add(store.apply(p.request()));
            }
            store.commit(); // durable from here on: only now may the replies leave
            batches++;
            requests += batch.size();
            return replies;
        } catch (SQLException | RuntimeException e) {
            log.warn("ledger {}: a batch of {} requests failed and was rolled back", store.file(), batch.size(), e);
            try {
                store.rollback();
            } catch (SQLException r) {
                e.addSuppressed(r);
            }
            String reply = "error: not committed: " + e.getMessage();
            return batch.stream().map(p -> reply).toList();
        }
    }

    private static void answer(List<Pending> batch, List<String> replies) {
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).reply().accept(replies.get(i));
        }
    }

    /** Durable commits that changed the ledger so far (one WAL sync each). */
    public long syncs() {
        return store.syncs();
    }

    /** The policy this ledger commits by. */
    public Commit commit() {
        return commit;
    }

    /**
     * Answers every request already queued, stops the writer and closes the database. Call it
     * after the server has closed; requests that arrive later end their session with an error
     * frame. Idempotent.
     */
    @Override
    public void close() throws SQLException, InterruptedException {
        admission.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(STOP);
        } finally {
            admission.unlock();
        }
        writer.join(CLOSE_TIMEOUT.toMillis());
        if (writer.isAlive()) {
            writer.interrupt();
            writer.join(TimeUnit.SECONDS.toMillis(1));
        }
        store.close();
    }

    @Override
    public String toString() {
        return "ledger[" + store.file() + ", commit=" + commit.key() + ", requests=" + requests + ", syncs="
                + store.syncs() + ", batches=" + batches + "]";
    }
}
