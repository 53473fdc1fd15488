package dev.pipelab.report;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeErrorException;
import dev.pipelab.api.protocol.FrameDecoder;
import dev.pipelab.os.unix.UnixClients;
import dev.pipelab.report.WorkloadDriver.Client;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;

/**
 * Every client on the calling thread and one Selector, so that the driver stays cheap (a socket
 * per client, never a thread): non-blocking AF_UNIX channels, each read performed when the
 * Selector reports it ready, each write continued when the socket has room. AF_UNIX only.
 */
final class SelectorTransport implements ClientTransport {

    /** One client's channel and what the socket did not take yet. */
    private static final class Link {
        final Client client;
        SocketChannel channel;
        SelectionKey key;
        FrameDecoder decoder;
        ByteBuffer pending; // bytes of requests the socket did not take yet

        Link(Client client) {
            this.client = client;
        }
    }

    private final WorkloadDriver driver;
    private final PipeAddress address;
    private final Selector selector;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    private final ByteBuffer writeBuffer;
    private final Link[] links;
    private final ArrayDeque<Link> reconnects = new ArrayDeque<>();

    SelectorTransport(WorkloadDriver driver, PipeAddress address) throws IOException {
        String cannot = LoadDriver.SELECTOR.cannotReach(address.kind());
        if (cannot != null) {
            throw new IOException(cannot);
        }
        this.driver = driver;
        this.address = address;
        this.selector = Selector.open();
        this.writeBuffer = ByteBuffer.allocateDirect(driver.maxRequestBytes());
        this.links = new Link[driver.connections()];
    }

    /** A full backlog (EAGAIN) means the server is busy, so retry. */
    @Override
    public void connect(List<Client> clients, long deadlineNanos) throws IOException {
        ArrayDeque<Link> toConnect = new ArrayDeque<>();
        clients.forEach(c -> toConnect.add(links[c.id] = new Link(c)));
        while (!toConnect.isEmpty() && System.nanoTime() < deadlineNanos) {
            int before = toConnect.size();
            for (int n = toConnect.size(); n > 0; n--) {
                Link l = toConnect.poll();
                if (!connect(l)) {
                    toConnect.add(l);
                }
            }
            if (toConnect.size() == before) {
                selector.select(1); // let the server accept; replies cannot come yet
                selector.selectedKeys().clear();
            }
            driver.sampleThreads();
        }
        for (Link l : toConnect) {
            driver.fail(l.client, "could not connect within the connect timeout (the server stayed busy)");
        }
    }

    /** True when {@code l} is connected or has failed for good; false when the backlog is full. */
    private boolean connect(Link l) throws IOException {
        SocketChannel ch;
        try {
            ch = UnixClients.tryConnect(address);
        } catch (IOException e) {
            driver.fail(l.client, "connect: " + e);
            return true;
        }
        if (ch == null) {
            return false; // the backlog is full: ERROR_PIPE_BUSY
        }
        l.channel = ch;
        l.decoder = FrameDecoder.forClient(driver.maxReplyBytes());
        l.key = ch.register(selector, SelectionKey.OP_READ, l);
        driver.connected(l.client);
        return true;
    }

    @Override
    public void send(Client c) {
        Link l = links[c.id];
        if (l != null && l.channel != null && l.pending == null) {
            send(l);
        }
    }

    /** Runs the conversation until {@code deadline}: reads, checks, sends the next requests. */
    @Override
    public void pump(long deadline) {
        long now;
        while ((now = System.nanoTime()) < deadline && !driver.everyoneAnswered()) {
            try {
                retryReconnects();
                long waitMillis = reconnects.isEmpty() ? Math.max(1, Math.min(10, (deadline - now) / 1_000_000)) : 1;
                selector.select(waitMillis);
            } catch (IOException e) {
                driver.problem("selector: " + e);
                return;
            }
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                Link l = (Link) key.attachment();
                if (l.channel == null || !key.isValid()) {
                    continue;
                }
                if (key.isReadable()) {
                    read(l);
                }
                if (l.channel != null && key.isValid() && key.isWritable()) {
                    send(l);
                }
            }
            driver.sampleThreads();
        }
    }

    private void read(Link l) {
        try {
            while (true) {
                readBuffer.clear();
                int n = l.channel.read(readBuffer);
                if (n < 0) {
                    driver.endOfStream(l.client);
                    return;
                }
                if (n == 0) {
                    break;
                }
                readBuffer.flip();
                byte[] reply;
                while ((reply = l.decoder.decode(readBuffer)) != null) {
                    switch (driver.accept(l.client, reply)) {
                        case GO_ON -> {}
                        case HANG_UP -> {
                            churn(l);
                            return;
                        }
                        case STOP -> {
                            return;
                        }
                    }
                }
            }
            send(l);
        } catch (PipeErrorException e) {
            driver.fail(l.client, "error frame: " + e.getMessage());
        } catch (IOException e) {
            driver.fail(l.client, "read: " + e);
        }
    }

    /** Churn: the exchange is done, so hang up and call again. */
    private void churn(Link l) {
        close(l);
        if (driver.sending()) {
            reconnects.add(l);
        }
    }

    private void retryReconnects() throws IOException {
        for (int n = reconnects.size(); n > 0; n--) {
            Link l = reconnects.poll();
            long started = System.nanoTime();
            if (connect(l)) {
                if (l.channel != null) {
                    driver.calling(l.client, started); // churn latency: from the call to the verified reply
                    send(l);
                }
            } else {
                reconnects.add(l);
            }
        }
    }

    /** Writes what is pending, then new requests while the workload allows more in flight. */
    private void send(Link l) {
        try {
            if (l.pending != null) {
                l.channel.write(l.pending);
                if (l.pending.hasRemaining()) {
                    l.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    return;
                }
                l.pending = null;
            }
            writeBuffer.clear();
            driver.nextRequests(l.client, writeBuffer);
            writeBuffer.flip();
            if (writeBuffer.hasRemaining()) {
                l.channel.write(writeBuffer);
                if (writeBuffer.hasRemaining()) {
                    l.pending = ByteBuffer.allocate(writeBuffer.remaining())
                            .put(writeBuffer)
                            .flip();
                }
            }
            if (l.channel != null) { // a failure on the way may have closed it
                l.key.interestOps(SelectionKey.OP_READ | (l.pending != null ? SelectionKey.OP_WRITE : 0));
            }
        } catch (IOException e) {
            driver.fail(l.client, "write: " + e);
        }
    }

    @Override
    public void close(Client c) {
        Link l = links[c.id];
        if (l != null) {
            close(l);
        }
    }

    private static void close(Link l) {
        if (l.channel != null) {
            try {
                l.channel.close();
            } catch (IOException e) {
                // closing our own end: nothing more to learn
            }
            l.channel = null;
            l.pending = null;
        }
    }

    /** An idle client the server dropped was read as the end of its stream, and failed then. */
    @Override
    public void checkIdle(List<Client> idle) {}

    @Override
    public void close() {
        for (Link l : links) {
            if (l != null) {
                close(l);
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            // our own selector: nothing more to learn
        }
    }
}
