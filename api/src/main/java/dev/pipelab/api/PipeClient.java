package dev.pipelab.api;

import dev.pipelab.api.protocol.FrameDecoder;
import dev.pipelab.api.protocol.Frames;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * A blocking client of the PipeLab protocol, like the SDK's named-pipe client: connect, send a
 * message, read the reply. Every wait is bounded: connecting by the connect timeout (while the
 * server is busy the client retries, as {@code WaitNamedPipe} does), each send and receive by
 * the I/O timeout. An error frame from the server surfaces as {@link PipeErrorException}.
 *
 * <p>One thread may send while another receives (a pipelining client does); no two threads
 * send, or receive, at once.
 */
public final class PipeClient implements AutoCloseable {

    /** The SDK client's WaitNamedPipe timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(20);
    /** Default bound on one send or receive. */
    public static final Duration DEFAULT_IO_TIMEOUT = Duration.ofSeconds(30);

    private static final long BUSY_RETRY_NANOS = Duration.ofMillis(5).toNanos();

    private final PipeAddress address;
    private final SocketChannel channel;
    private final Selector readSelector;
    private final Selector writeSelector;
    private final FrameDecoder decoder;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(16 * 1024).flip();
    private Duration ioTimeout = DEFAULT_IO_TIMEOUT;

    private PipeClient(PipeAddress address, SocketChannel channel, int maxMessageBytes) throws IOException {
        this.address = address;
        this.channel = channel;
        // one selector per direction, so a sender and a receiver thread never share one
        this.readSelector = Selector.open();
        this.writeSelector = Selector.open();
        channel.register(readSelector, SelectionKey.OP_READ);
        channel.register(writeSelector, SelectionKey.OP_WRITE);
        this.decoder = FrameDecoder.forClient(maxMessageBytes);
    }

    /** Connects to {@code pipe} (a name or path) with the default timeouts. */
    public static PipeClient connect(String pipe) throws IOException {
        return connect(PipeAddress.resolve(pipe), DEFAULT_CONNECT_TIMEOUT);
    }

    /**
     * Connects to {@code address}, waiting up to {@code connectTimeout} while the server's
     * backlog is full.
     *
     * @throws ConnectException if no server listens there
     * @throws SocketTimeoutException if the server stayed busy for the whole timeout
     */
    public static PipeClient connect(PipeAddress address, Duration connectTimeout) throws IOException {
        return connect(address, connectTimeout, Integer.MAX_VALUE);
    }

    /** As {@link #connect(PipeAddress, Duration)}, accepting replies up to {@code maxMessageBytes}. */
    public static PipeClient connect(PipeAddress address, Duration connectTimeout, int maxMessageBytes)
            throws IOException {
        long deadline = System.nanoTime() + connectTimeout.toNanos();
        while (true) {
            SocketChannel channel = tryConnect(address);
            if (channel != null) {
                try {
                    return new PipeClient(address, channel, maxMessageBytes);
                } catch (IOException | RuntimeException e) {
                    channel.close();
                    throw e;
                }
            }
            // every instance busy and the backlog full (ERROR_PIPE_BUSY): wait and retry, as WaitNamedPipe does
            if (System.nanoTime() >= deadline) {
                throw new SocketTimeoutException("server at " + address + " stayed busy for " + connectTimeout);
            }
            LockSupport.parkNanos(BUSY_RETRY_NANOS);
        }
    }

    /**
     * One attempt to connect, without waiting: a connected channel in non-blocking mode, or
     * null when every instance is busy and the server's backlog is full (ERROR_PIPE_BUSY). For
     * callers that drive many connections from one thread and retry later; {@link #connect}
     * retries for you.
     *
     * @throws ConnectException if no server listens there, or this user may not connect
     */
    public static SocketChannel tryConnect(PipeAddress address) throws IOException {
        if (address.kind() != PipeAddress.Kind.UNIX_SOCKET) {
            throw new UnsupportedOperationException("this client speaks to Unix socket endpoints; " + address
                    + " is a Windows named pipe");
        }
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.configureBlocking(false);
            if (!channel.connect(UnixDomainSocketAddress.of(address.path()))) {
                throw new IOException("connect to " + address + " did not complete");
            }
            return channel;
        } catch (ConnectException e) {
            channel.close();
            throw new ConnectException("no PipeLab server is listening at " + address);
        } catch (SocketException e) {
            channel.close();
            String why = String.valueOf(e.getMessage());
            if (why.contains("Resource temporarily unavailable")) {
                return null; // EAGAIN
            }
            if (why.contains("No such file")) {
                throw new ConnectException("no PipeLab server at " + address + " (no such socket file)");
            }
            if (why.contains("Permission denied")) {
                throw new ConnectException("not allowed to connect to " + address + ": permission denied");
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Sets the bound on each later send and receive. */
    public PipeClient ioTimeout(Duration timeout) {
        this.ioTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /** The endpoint this client is connected to. */
    public PipeAddress address() {
        return address;
    }

    /** Sends one message. */
    public void send(byte[] message) throws IOException {
        writeFully(new ByteBuffer[] {Frames.header(message.length), ByteBuffer.wrap(message)});
    }

    /** Sends one UTF-8 text message. */
    public void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends raw bytes, frames or not: for tests of what a server does with bad input. */
    public void sendRaw(ByteBuffer bytes) throws IOException {
        writeFully(new ByteBuffer[] {bytes});
    }

    /**
     * Receives one message.
     *
     * @return the payload, or null if the server closed the connection
     * @throws PipeErrorException if the server sent an error frame
     * @throws SocketTimeoutException if nothing whole arrived within the I/O timeout
     */
    public byte[] receive() throws IOException {
        return receive(ioTimeout);
    }

    /** As {@link #receive()}, with its own timeout. */
    public byte[] receive(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            byte[] message = decoder.decode(readBuffer);
            if (message != null) {
                return message;
            }
            readBuffer.clear();
            int n = channel.read(readBuffer);
            readBuffer.flip();
            if (n < 0) {
                return null;
            }
            if (n == 0) {
                await(readSelector, deadline, "receive", timeout);
            }
        }
    }

    /** Receives one UTF-8 text message, or null if the server closed the connection. */
    public String receiveText() throws IOException {
        byte[] message = receive();
        return message == null ? null : new String(message, StandardCharsets.UTF_8);
    }

    /** Sends {@code message} and receives one reply. */
    public byte[] request(byte[] message) throws IOException {
        send(message);
        return receive();
    }

    /** Sends {@code text} and receives one reply as text. */
    public String request(String text) throws IOException {
        send(text);
        return receiveText();
    }

    /** Closes the sending direction: the server sees end-of-stream, replies can still be read. */
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    private void writeFully(ByteBuffer[] buffers) throws IOException {
        long deadline = System.nanoTime() + ioTimeout.toNanos();
        ByteBuffer last = buffers[buffers.length - 1];
        while (buffers[0].hasRemaining() || last.hasRemaining()) {
            if (channel.write(buffers) == 0) {
                await(writeSelector, deadline, "send", ioTimeout);
            }
        }
    }

    private void await(Selector selector, long deadline, String what, Duration timeout) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException(what + " on " + address + " timed out after " + timeout);
        }
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().clear();
    }

    @Override
    public void close() throws IOException {
        try (channel; writeSelector; readSelector) {
            // closes all three, channel last
        }
    }

    @Override
    public String toString() {
        return "PipeClient[" + address + (channel.isOpen() ? "" : ", closed") + "]";
    }
}
