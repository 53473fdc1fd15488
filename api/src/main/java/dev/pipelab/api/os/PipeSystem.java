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
 * <p>The blocking style ({@link PipeInstance}) is what the thread-per-client engines use:
 * create an instance, wait for a client to connect, read and write whole messages, disconnect.
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
}
