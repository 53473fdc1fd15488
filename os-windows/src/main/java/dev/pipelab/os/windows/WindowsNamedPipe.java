package dev.pipelab.os.windows;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.spi.os.NamedPipe;
import dev.pipelab.spi.os.PipeInstance;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The blocking style on Windows: every instance is a handle from CreateNamedPipe under the
 * claimed name, bound to the seam's {@link CompletionPort}. Closing the pipe creates no more
 * instances and cancels every pending ConnectNamedPipe, whose caller then sees the pipe closed.
 */
final class WindowsNamedPipe implements NamedPipe {

    private final Kernel32Calls calls;
    private final WindowsAccounts accounts;
    private final WindowsPipeName name;
    private final CompletionPort port;
    private final Flusher flusher;
    private final Set<WindowsPipeInstance> connecting = ConcurrentHashMap.newKeySet();
    private volatile boolean open = true;

    WindowsNamedPipe(
            Kernel32Calls calls, WindowsAccounts accounts, WindowsPipeName name, CompletionPort port, Flusher flusher) {
        this.calls = calls;
        this.accounts = accounts;
        this.name = name;
        this.port = port;
        this.flusher = flusher;
    }

    @Override
    public PipeAddress address() {
        return name.address();
    }

    @Override
    public PipeInstance createInstance() throws IOException {
        var handle = name.createInstance();
        try {
            port.bind(handle);
        } catch (IOException e) {
            calls.CloseHandle(handle);
            throw e;
        }
        return new WindowsPipeInstance(
                calls, accounts, this, port, flusher, handle, name.config().maxMessageBytes());
    }

    void connecting(WindowsPipeInstance instance) {
        connecting.add(instance);
        if (!open) {
            instance.cancelConnect(); // closed while this one started its connect
        }
    }

    void notConnecting(WindowsPipeInstance instance) {
        connecting.remove(instance);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
        name.close();
        connecting.forEach(WindowsPipeInstance::cancelConnect);
    }

    @Override
    public String toString() {
        return "WindowsNamedPipe[" + name + "]";
    }
}
