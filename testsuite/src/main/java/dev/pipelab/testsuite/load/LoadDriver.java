package dev.pipelab.testsuite.load;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeErrorException;
import dev.pipelab.api.protocol.FrameDecoder;
import dev.pipelab.api.protocol.Frames;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;

/**
 * Drives an echo server with many concurrent clients from one thread and one Selector, so that
 * the driver, not the server, stays cheap: thousands of connections cost a socket each, not a
 * thread each. Every client connects (retrying while the server's backlog is full, as a
 * client of a busy pipe does), and only when all are connected does each send its messages,
 * keeping up to {@code depth} in flight, and check every reply byte for byte against what it
 * sent. All stay connected until all are done, so the server holds every client at once.
 *
 * <p>Run it in its own process ({@link #main}) to keep its sockets out of the server's
 * open-file limit. Bounded: it gives up after the timeout and reports what was unfinished.
 */
public final class LoadDriver {

    /** What a run did. */
    public record Result(int clients, int connected, long messages, long errors, List<String> errorSamples,
            Duration elapsed) {

        /** The line {@link #main} prints, and {@link #parse} reads back. */
        public String line() {
            return "RESULT clients=" + clients + " connected=" + connected + " messages=" + messages + " errors="
                    + errors + " millis=" + elapsed.toMillis();
        }

        /** Reads a {@link #line()} back. */
        public static Result parse(String line) {
            String[] f = line.strip().split(" ");
            return new Result((int) value(f[1]), (int) value(f[2]), value(f[3]), value(f[4]), List.of(),
                    Duration.ofMillis(value(f[5])));
        }

        private static long value(String field) {
            return Long.parseLong(field.substring(field.indexOf('=') + 1));
        }
    }

    private static final int MAX_ERROR_SAMPLES = 10;

    private final UnixDomainSocketAddress address;
    private final int clients;
    private final int messagesPerClient;
    private final int payloadBytes;
    private final int depth;
    private final Duration timeout;
    private final List<String> errorSamples = new ArrayList<>();
    private long errors;
    private long verified;
    private int settled; // clients done: every reply verified, or failed

    /** A driver for {@code clients} clients of the echo server at {@code address}. */
    public LoadDriver(PipeAddress address, int clients, int messagesPerClient, int payloadBytes, int depth,
            Duration timeout) {
        if (payloadBytes < 8) {
            throw new IllegalArgumentException("payloadBytes must be at least 8 (client id and sequence), was "
                    + payloadBytes);
        }
        this.address = UnixDomainSocketAddress.of(address.path());
        this.clients = clients;
        this.messagesPerClient = messagesPerClient;
        this.payloadBytes = payloadBytes;
        this.depth = Math.max(1, depth);
        this.timeout = timeout;
    }

    /** One client's state. */
    private final class Client {
        final int id;
        SocketChannel channel;
        SelectionKey key;
        final FrameDecoder decoder = FrameDecoder.forClient(payloadBytes);
        final ByteBuffer in = ByteBuffer.allocate(Math.max(4096, payloadBytes + 8)).flip();
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        int sent;
        int received;
        boolean failed;

        Client(int id) {
            this.id = id;
        }

        boolean done() {
            return failed || received == messagesPerClient;
        }
    }

    /** Runs the whole load and returns what happened. Never throws for a server's fault. */
    public Result run() throws IOException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        List<Client> all = new ArrayList<>(clients);
        int connected = 0;
        try (Selector selector = Selector.open()) {
            Queue<Client> toConnect = new ArrayDeque<>();
            for (int i = 0; i < clients; i++) {
                Client c = new Client(i);
                all.add(c);
                toConnect.add(c);
            }
            // Phase 1: connect everybody; a full backlog (EAGAIN) means the server is busy: retry.
            while (!toConnect.isEmpty() && System.nanoTime() < deadline) {
                int before = toConnect.size();
                for (int n = toConnect.size(); n > 0; n--) {
                    Client c = toConnect.poll();
                    if (!connect(c, selector)) {
                        toConnect.add(c);
                    }
                }
                if (toConnect.size() == before) {
                    selector.select(1); // let the server accept; nothing to do here yet
                    selector.selectedKeys().clear();
                }
            }
            for (Client c : toConnect) {
                fail(c, "could not connect within " + timeout + " (the server stayed busy)");
            }
            connected = (int) all.stream().filter(c -> c.channel != null).count();
            // Phase 2: everyone talks at once, up to depth requests in flight each.
            for (Client c : all) {
                if (!c.failed) {
                    fill(c);
                    flush(c);
                }
            }
            if (messagesPerClient == 0) {
                settled = clients;
            }
            while (settled < clients && System.nanoTime() < deadline) {
                selector.select(Math.max(1, Math.min(100, (deadline - System.nanoTime()) / 1_000_000)));
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    Client c = (Client) key.attachment();
                    if (c.failed || !key.isValid()) {
                        continue;
                    }
                    if (key.isReadable()) {
                        read(c);
                    }
                    if (!c.failed && key.isValid() && key.isWritable()) {
                        flush(c);
                    }
                }
            }
            for (Client c : all) {
                if (!c.done()) {
                    fail(c, "unfinished after " + timeout + ": " + c.received + " of " + messagesPerClient
                            + " replies");
                }
            }
        } finally {
            for (Client c : all) {
                if (c.channel != null) {
                    c.channel.close();
                }
            }
        }
        return new Result(clients, connected, verified, errors, List.copyOf(errorSamples),
                Duration.ofNanos(System.nanoTime() - start));
    }

    private boolean connect(Client c, Selector selector) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.configureBlocking(false);
            ch.connect(address);
        } catch (IOException e) {
            ch.close();
            if (String.valueOf(e.getMessage()).contains("Resource temporarily unavailable")) {
                return false; // the backlog is full: ERROR_PIPE_BUSY
            }
            fail(c, "connect: " + e);
            return true;
        }
        c.channel = ch;
        c.key = ch.register(selector, SelectionKey.OP_READ, c);
        return true;
    }

    /** Queues requests until {@code depth} are in flight or all are sent. */
    private void fill(Client c) {
        while (c.sent < messagesPerClient && c.sent - c.received < depth) {
            c.out.add(Frames.encode(payload(c.id, c.sent)));
            c.sent++;
        }
    }

    private void flush(Client c) {
        try {
            while (!c.out.isEmpty()) {
                ByteBuffer head = c.out.peek();
                c.channel.write(head);
                if (head.hasRemaining()) {
                    break;
                }
                c.out.poll();
            }
            c.key.interestOps(SelectionKey.OP_READ | (c.out.isEmpty() ? 0 : SelectionKey.OP_WRITE));
        } catch (IOException e) {
            fail(c, "write: " + e);
        }
    }

    private void read(Client c) {
        try {
            while (true) {
                byte[] reply = c.decoder.decode(c.in);
                if (reply != null) {
                    verify(c, reply);
                    if (c.failed) {
                        return;
                    }
                    continue;
                }
                c.in.clear();
                int n = c.channel.read(c.in);
                c.in.flip();
                if (n == 0) {
                    break;
                }
                if (n < 0) {
                    if (!c.done()) {
                        fail(c, "the server closed the connection after " + c.received + " replies");
                    }
                    return;
                }
            }
            fill(c);
            flush(c);
        } catch (PipeErrorException e) {
            fail(c, "error frame: " + e.getMessage());
        } catch (IOException e) {
            fail(c, "read: " + e);
        }
    }

    private void verify(Client c, byte[] reply) {
        byte[] expected = payload(c.id, c.received);
        if (!Arrays.equals(reply, expected)) {
            fail(c, "reply " + c.received + " is not what was sent (" + reply.length + " bytes)");
            return;
        }
        c.received++;
        verified++;
        if (c.received == messagesPerClient) {
            settled++;
        }
    }

    /** The request {@code seq} of client {@code id}: its id and sequence, then a pattern. */
    private byte[] payload(int id, int seq) {
        byte[] p = new byte[payloadBytes];
        ByteBuffer.wrap(p).putInt(id).putInt(seq);
        for (int i = 8; i < p.length; i++) {
            p[i] = (byte) (id * 31 + seq * 7 + i);
        }
        return p;
    }

    private void fail(Client c, String why) {
        if (c.failed) {
            return;
        }
        if (!c.done()) {
            settled++;
        }
        c.failed = true;
        errors++;
        if (errorSamples.size() < MAX_ERROR_SAMPLES) {
            errorSamples.add("client " + c.id + ": " + why);
        }
        if (c.channel != null) {
            try {
                c.channel.close();
            } catch (IOException e) {
                // closing a failed client: nothing more to learn
            }
        }
    }

    /**
     * {@code LoadDriver --pipe PATH [--clients N] [--messages N] [--payload BYTES] [--depth N]
     * [--timeout SECONDS]}: prints one {@code RESULT} line, and the first errors on stderr;
     * exits 0 when every reply was right, 1 otherwise.
     */
    public static void main(String[] args) throws IOException {
        String pipe = null;
        int clients = 100;
        int messages = 10;
        int payload = 64;
        int depth = 1;
        int timeoutSeconds = 120;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--pipe" -> pipe = args[i + 1];
                case "--clients" -> clients = Integer.parseInt(args[i + 1]);
                case "--messages" -> messages = Integer.parseInt(args[i + 1]);
                case "--payload" -> payload = Integer.parseInt(args[i + 1]);
                case "--depth" -> depth = Integer.parseInt(args[i + 1]);
                case "--timeout" -> timeoutSeconds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (pipe == null) {
            throw new IllegalArgumentException("--pipe is required");
        }
        Result r = new LoadDriver(PipeAddress.resolve(pipe), clients, messages, payload, depth,
                Duration.ofSeconds(timeoutSeconds)).run();
        System.out.println(r.line());
        r.errorSamples().forEach(System.err::println);
        System.exit(r.errors() == 0 ? 0 : 1);
    }
}
