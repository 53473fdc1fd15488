package dev.pipelab.os.unix;

import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.os.unix.async.UnixAsyncInstance;
import dev.pipelab.os.unix.async.UnixAsyncIo;
import dev.pipelab.os.unix.async.UnixConnection;
import dev.pipelab.os.unix.async.UnixListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Collections;
import java.util.Iterator;

/**
 * The NIO transport of the overlapped and completion styles: one JDK Selector (epoll, level
 * triggered, on Linux) for the listening socket and every instance.
 */
final class UnixSelectorIo extends UnixAsyncIo {

    /** What a send copies into at most, so that the kernel reads it from memory it can map directly. */
    private static final int WRITE_BUFFER_BYTES = 64 * 1024;

    private final UnixListener<SocketChannel> listener;
    private final Selector selector;
    private final SelectionKey listenerKey;
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
    private Iterator<SelectionKey> ready = Collections.emptyIterator(); // selected keys not yet performed

    private UnixSelectorIo(UnixListener<SocketChannel> listener, Selector selector, SelectionKey listenerKey) {
        super(listener, ByteBuffer.allocateDirect(READ_BUFFER_BYTES));
        this.listener = listener;
        this.selector = selector;
        this.listenerKey = listenerKey;
    }

    /** Claims the endpoint of {@code config} and the selector its instances share; on failure, neither. */
    static UnixSelectorIo claim(PipeServerConfig config) throws IOException {
        UnixListener<SocketChannel> listener = UnixServerChannel.claim(config);
        Selector selector = null;
        try {
            selector = Selector.open();
            ServerSocketChannel channel = UnixServerChannel.of(listener);
            channel.configureBlocking(false);
            return new UnixSelectorIo(listener, selector, channel.register(selector, 0));
        } catch (IOException | RuntimeException e) {
            if (selector != null) {
                selector.close();
            }
            listener.close();
            throw e;
        }
    }

    Selector selector() {
        return selector;
    }

    /**
     * The one buffer sends of the owning thread copy through, for the length of one write call;
     * what the socket does not take stays in the instance's own outbound buffer.
     */
    ByteBuffer writeBuffer() {
        return writeBuffer;
    }

    @Override
    protected UnixConnection accept() throws IOException {
        SocketChannel client = listener.accept();
        return client != null ? new UnixChannelConnection(this, client) : null;
    }

    @Override
    protected void acceptInterest(boolean wanted) {
        if (listenerKey.isValid()) {
            int ops = wanted ? SelectionKey.OP_ACCEPT : 0;
            if (listenerKey.interestOps() != ops) {
                listenerKey.interestOps(ops);
            }
        }
    }

    @Override
    protected boolean hasReady() {
        return ready.hasNext();
    }

    @Override
    protected boolean select(long timeoutMillis) throws IOException {
        int n = timeoutMillis <= 0 ? selector.selectNow() : selector.select(timeoutMillis);
        if (n == 0) {
            return false;
        }
        ready = selector.selectedKeys().iterator();
        return true;
    }

    @Override
    protected void performNext() throws IOException {
        SelectionKey key = ready.next();
        ready.remove();
        if (!key.isValid()) {
            return;
        }
        if (key == listenerKey) {
            acceptReady();
            return;
        }
        UnixAsyncInstance instance = (UnixAsyncInstance) key.attachment();
        if (key.isReadable()) {
            instance.performRead();
        }
        if (key.isValid() && key.isWritable()) {
            instance.performWrite();
        }
    }

    @Override
    protected void wakeup() {
        selector.wakeup();
    }

    @Override
    protected void closePoller() {
        try {
            selector.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
