package dev.pipelab.os.windows;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.spi.os.ClientEnd;
import dev.pipelab.spi.os.CompletionPipe;
import dev.pipelab.spi.os.NamedPipe;
import dev.pipelab.spi.os.OverlappedPipe;
import dev.pipelab.spi.os.PipeSystem;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * The seam on Windows: real named pipes, on kernel32 through {@link Kernel32Calls}. A pipe name
 * is claimed by its first instance (FILE_FLAG_FIRST_PIPE_INSTANCE); instances are overlapped
 * handles in byte mode, carrying PipeLab's frames, refusing remote clients, with a DACL that
 * lets in the current user, SYSTEM and the configured accounts only.
 *
 * <ul>
 *   <li>blocking style: {@link WindowsNamedPipe}, each call parked on the {@link CompletionPort};
 *   <li>overlapped style: {@link WindowsOverlappedPipe}, events and WaitForMultipleObjects;
 *   <li>completion style: {@link WindowsCompletionPipe}, ReadFileEx/WriteFileEx and APCs.
 * </ul>
 */
final class WindowsPipeSystem implements PipeSystem {

    private final Kernel32Calls calls;
    private final WindowsAccounts accounts;
    private final CompletionPort port;
    private final Flusher flusher;

    WindowsPipeSystem(Kernel32Calls calls, WindowsAccounts accounts) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.port = new CompletionPort(calls);
        this.flusher = new Flusher(calls);
    }

    @Override
    public String describe() {
        return "Windows named pipes (kernel32 through JNA)";
    }

    @Override
    public PipeAddress resolve(String spec) {
        return WindowsNames.resolve(spec);
    }

    @Override
    public ClientEnd connectClient(PipeAddress address, Duration timeout) throws IOException {
        return WindowsClientEnd.connect(calls, port, address, timeout);
    }

    @Override
    public NamedPipe createNamedPipe(PipeServerConfig config) throws IOException {
        return new WindowsNamedPipe(calls, accounts, WindowsPipeName.claim(calls, accounts, config), port, flusher);
    }

    @Override
    public OverlappedPipe createOverlappedPipe(PipeServerConfig config) throws IOException {
        WindowsPipeName name = WindowsPipeName.claim(calls, accounts, config);
        try {
            return new WindowsOverlappedPipe(calls, accounts, name, flusher);
        } catch (IOException | RuntimeException e) {
            name.close();
            throw e;
        }
    }

    @Override
    public CompletionPipe createCompletionPipe(PipeServerConfig config) throws IOException {
        return new WindowsCompletionPipe(calls, accounts, WindowsPipeName.claim(calls, accounts, config), flusher);
    }

    @Override
    public String toString() {
        return "WindowsPipeSystem";
    }
}
