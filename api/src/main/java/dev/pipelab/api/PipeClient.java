package dev.pipelab.api;

import dev.pipelab.api.protocol.FrameDecoder;
import dev.pipelab.api.protocol.Frames;
import dev.pipelab.spi.os.ClientEnd;
import dev.pipelab.spi.os.PipeSystems;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * A blocking client of the PipeLab protocol, like the SDK's named-pipe client: connect, send a
 * message, read the reply. Every wait is bounded: connecting by the connect timeout (while the
 * server is busy the client tries again, as {@code WaitNamedPipe} does), each send and receive
 * by the I/O timeout. An error frame from the server surfaces as {@link PipeErrorException}.
 *
 * <p>One thread may send while another receives (a pipelining client does); no two threads
 * send, or receive, at once.
 */
public final class PipeClient implements AutoCloseable {

    /** The SDK client's WaitNamedPipe timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(20);
    /** Default bound on one send or receive. */
    public static final Duration DEFAULT_IO_TIMEOUT = Duration.ofSeconds(30);

    private final PipeAddress address;
    private final ClientEnd end;
    private final FrameDecoder decoder;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(16 * 1024).flip();
    private Duration ioTimeout = DEFAULT_IO_TIMEOUT;

    private PipeClient(PipeAddress address, ClientEnd end, int maxMessageBytes) {
        this.address = address;
        this.end = end;
        this.decoder = FrameDecoder.forClient(maxMessageBytes);
    }

    /** Connects to {@code pipe} (a name or path) with the default timeouts. */
    public static PipeClient connect(String pipe) throws IOException {
        return connect(PipeAddress.resolve(pipe), DEFAULT_CONNECT_TIMEOUT);
    }

    /**
     * Connects to {@code address}, waiting up to {@code connectTimeout} while every instance of
     * the server is busy.
     *
     * @throws ConnectException if no server listens there, or this user may not connect
     * @throws SocketTimeoutException if the server stayed busy for the whole timeout
     * @throws UnsupportedOperationException if no OS seam can run here, naming why
     */
    public static PipeClient connect(PipeAddress address, Duration connectTimeout) throws IOException {
        return connect(address, connectTimeout, Integer.MAX_VALUE);
    }

    /** As {@link #connect(PipeAddress, Duration)}, accepting replies up to {@code maxMessageBytes}. */
    public static PipeClient connect(PipeAddress address, Duration connectTimeout, int maxMessageBytes)
            throws IOException {
        Objects.requireNonNull(address, "address");
        ClientEnd end = PipeSystems.select().pipeSystem().connectClient(address, connectTimeout);
        return new PipeClient(address, end, maxMessageBytes);
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
     * @return the payload, or null once the server has closed the connection (also when it
     *     closed without reading every request this client sent, which the OS may report as a
     *     reset: what was sent before is read first)
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
            int n = end.read(readBuffer, deadline);
            readBuffer.flip();
            if (n < 0) {
                return null;
            }
            if (n == 0) {
                throw new SocketTimeoutException("receive on " + address + " timed out after " + timeout);
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
        end.shutdownOutput();
    }

    private void writeFully(ByteBuffer[] buffers) throws IOException {
        if (!end.write(buffers, System.nanoTime() + ioTimeout.toNanos())) {
            throw new SocketTimeoutException(
                    "send on " + address + " timed out after " + ioTimeout + "; part of the frame may have been sent");
        }
    }

    @Override
    public void close() throws IOException {
        end.close();
    }

    @Override
    public String toString() {
        return "PipeClient[" + address + (end.isOpen() ? "" : ", closed") + "]";
    }
}
