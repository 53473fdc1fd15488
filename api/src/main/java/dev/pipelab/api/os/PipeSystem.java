package dev.pipelab.api.os;

import com.google.inject.ProvidedBy;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.os.unix.UnixPipeSystem;
import java.io.IOException;
import java.util.Locale;

/**
 * The OS seam. Engines never touch sockets or native handles; they call this small interface,
 * which speaks the Win32 named-pipe vocabulary at the level of whole messages. There is one
 * implementation per OS family: on Linux and macOS the JDK's AF_UNIX channels
 * ({@link UnixPipeSystem}), on Windows kernel32 through JNA.
 *
 * <p>It offers the three I/O styles the Win32 documentation names, at the level of whole
 * messages:
 * <ul>
 *   <li>blocking ({@link NamedPipe}, {@link PipeInstance}): create an instance, wait for a client,
 *       read and write whole messages, disconnect; for the thread-per-client engines;
 *   <li>overlapped ({@link OverlappedPipe}, {@link OverlappedInstance}): operations that finish
 *       later and signal an event, and a wait for any of several events;
 *   <li>completion ({@link CompletionPipe}, {@link CompletionInstance}): operations that run a
 *       routine in the starting thread's alertable wait, and APCs from other threads.
 * </ul>
 */
@ProvidedBy(PipeSystemProvider.class)
public interface PipeSystem {

    /** The implementation for the running operating system. */
    static PipeSystem forThisOs() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            throw new UnsupportedOperationException(
                    "PipeLab's Windows named-pipe seam is not part of this build; use Linux or macOS");
        }
        return UnixPipeSystem.INSTANCE;
    }

    /** A short description, for logs and reports. */
    String describe();

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
