package dev.pipelab.api.handler;

import dev.pipelab.api.HandlerConcurrency;
import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * {@code counter}, the shared resource of the Win32 page (a database file): each request is a
 * decimal delta; the handler adds it to a total kept in a file and answers with the new total.
 *
 * <p>No update is lost or torn: the read-add-write of one request happens under the
 * shared-state guard, and the file is replaced whole (a temporary file, then an atomic rename)
 * before the reply is sent, so after any run, and after a restart, the file holds the sum of
 * every acknowledged delta. On {@code threaded} and {@code virtual} that guard is a lock,
 * because two clients' handlers run at once; on {@code overlapped} and {@code completion} there
 * is no lock at all: the loop runs one handler call at a time. The file is not fsync'ed, so an
 * OS crash (not a process crash) may lose the last updates.
 */
public final class CounterHandler implements PipeHandler {

    private final SharedState shared;
    private final Path file;
    private final Path temporary;
    private long total;

    /** A counter kept in {@code file}, starting from the total already there, or 0. */
    public CounterHandler(HandlerConcurrency concurrency, Path file) {
        this.shared = new SharedState(concurrency);
        this.file = file.toAbsolutePath();
        this.temporary = this.file.resolveSibling(this.file.getFileName() + ".tmp");
        this.total = readTotal(this.file);
    }

    /** The total in {@code file}, or 0 if there is no file. */
    public static long readTotal(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return text.isEmpty() ? 0 : Long.parseLong(text);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the counter file " + file, e);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("the counter file " + file + " does not hold a number", e);
        }
    }

    @Override
    public void onMessage(Session session, byte[] message) throws IOException {
        long delta = parseDelta(message);
        long newTotal = shared.guarded(() -> {
            long next = Math.addExact(total, delta);
            store(next); // the file first: a reply is only sent for a stored total
            total = next;
            return next;
        });
        session.send(Long.toString(newTotal).getBytes(StandardCharsets.US_ASCII));
    }

    private static long parseDelta(byte[] message) {
        String text = new String(message, StandardCharsets.US_ASCII).strip();
        try {
            return Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("counter requests are decimal deltas like 5 or -3, not '"
                    + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'");
        }
    }

    private void store(long value) {
        try (FileChannel out = FileChannel.open(
                temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer text = ByteBuffer.wrap((value + "\n").getBytes(StandardCharsets.US_ASCII));
            while (text.hasRemaining()) {
                out.write(text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the counter file " + temporary, e);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IllegalStateException("the counter file's directory cannot replace files atomically", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace the counter file " + file, e);
        }
    }

    /** The total now. */
    public long total() {
        return shared.guarded(() -> total);
    }

    /** True when this counter takes a lock for each update. */
    public boolean isLocking() {
        return shared.isLocking();
    }

    @Override
    public String toString() {
        return "counter";
    }
}
