package dev.pipelab.spi.os;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeServerConfig;
import java.io.IOException;
import java.time.Duration;

/**
 * The OS seam. Engines never touch sockets or native handles; they call this small interface,
 * which speaks the Win32 named-pipe vocabulary at the level of whole messages. Each OS module
 * implements it (on Linux and macOS {@code pipelab-os-unix}, AF_UNIX sockets through the JDK's
 * channels) and offers it through a {@link PipeSystemProvider}; {@link PipeSystems} picks one.
 *
 * <p>It offers the three I/O styles the Win32 documentation names, at the level of whole
 * messages:
 * <ul>
 *   <li>blocking ({@link NamedPipe}, {@link PipeInstance}): create an instance, wait for a client,
 *       read and write whole messages, flush, disconnect; for the thread-per-client engines;
 *   <li>overlapped ({@link OverlappedPipe}, {@link OverlappedInstance}): operations that finish
 *       later and signal an event, and a wait for any of several events;
 *   <li>completion ({@link CompletionPipe}, {@link CompletionInstance}): operations that run a
 *       routine in the starting thread's alertable wait, and APCs from other threads.
 * </ul>
 * and what else differs between operating systems: how a name maps to an endpoint
 * ({@link #resolve}), and the client's end ({@link #connectClient}).
 */
public interface PipeSystem {

    /** A short description, for logs and reports. */
    String describe();

    /**
     * Maps what a user typed to this OS's endpoint, as PROTOCOL.md specifies: {@code pipelab:NAME}
     * or a bare {@code NAME} to the OS's place for named pipes, a path to itself.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code spec}
     */
    PipeAddress resolve(String spec);

    /**
     * Connects a client to {@code address}: CreateFile, and while every instance is busy
     * (ERROR_PIPE_BUSY) waiting and trying again, as WaitNamedPipe does, for up to {@code timeout}.
     *
     * @throws java.net.ConnectException if no server listens there, or this user may not connect
     * @throws java.net.SocketTimeoutException if the server stayed busy for the whole timeout
     */
    ClientEnd connectClient(PipeAddress address, Duration timeout) throws IOException;

    /**
     * Claims the endpoint of {@code config}, as the first CreateNamedPipe with
     * FILE_FLAG_FIRST_PIPE_INSTANCE does: fails if a live server holds it.
     *
     * @throws IOException with a message naming the endpoint and the problem
     */
    NamedPipe createNamedPipe(PipeServerConfig config) throws IOException;

    /** As {@link #createNamedPipe}, for instances in the overlapped style. */
    OverlappedPipe createOverlappedPipe(PipeServerConfig config) throws IOException;

    /** As {@link #createNamedPipe}, for instances in the completion-routine style. */
    CompletionPipe createCompletionPipe(PipeServerConfig config) throws IOException;
}
