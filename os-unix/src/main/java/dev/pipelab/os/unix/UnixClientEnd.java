package dev.pipelab.os.unix;

import dev.pipelab.os.unix.async.UnixErrno;
import dev.pipelab.spi.os.ClientEnd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * A client's end on Unix: a non-blocking channel and one selector per direction, so that a
 * sending thread and a receiving thread never share one, and every wait has its deadline.
 */
final class UnixClientEnd implements ClientEnd {

    private final SocketChannel channel;
    private final Selector readSelector;
    private final Selector writeSelector;

    private UnixClientEnd(SocketChannel channel, Selector readSelector, Selector writeSelector) {
        this.channel = channel;
        this.readSelector = readSelector;
        this.writeSelector = writeSelector;
    }

    /** Takes over {@code channel}, connected and non-blocking; closes it if that fails. */
    static UnixClientEnd over(SocketChannel channel) throws IOException {
        Selector reads = null;
        Selector writes = null;
        try {
            reads = Selector.open();
            writes = Selector.open();
            channel.register(reads, SelectionKey.OP_READ);
            channel.register(writes, SelectionKey.OP_WRITE);
            return new UnixClientEnd(channel, reads, writes);
        } catch (IOException | RuntimeException e) {
            closeQuietly(reads);
            closeQuietly(writes);
            closeQuietly(channel);
            throw e;
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // the failure that brought us here is the one to report
            }
        }
    }

    @Override
    public int read(ByteBuffer into, long deadlineNanos) throws IOException {
        while (true) {
            int n;
            try {
                n = channel.read(into);
            } catch (IOException e) {
                if (UnixErrno.ofRead(e) == UnixErrno.ECONNRESET) {
                    return -1; // the server closed without reading all we sent: what it sent was read first
                }
                throw e;
            }
            if (n != 0 || !await(readSelector, deadlineNanos)) {
                return n;
            }
        }
    }

    @Override
    public boolean write(ByteBuffer[] from, long deadlineNanos) throws IOException {
        ByteBuffer last = from[from.length - 1];
        while (from[0].hasRemaining() || last.hasRemaining()) {
            if (channel.write(from) == 0 && !await(writeSelector, deadlineNanos)) {
                return false;
            }
        }
        return true;
    }

    /** Waits on {@code selector} until it reports ready or the deadline; false once the deadline has passed. */
    private static boolean await(Selector selector, long deadlineNanos) throws IOException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().clear();
        return true;
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        try (channel;
                writeSelector;
                readSelector) {
            // closes all three, the channel last
        }
    }
}
