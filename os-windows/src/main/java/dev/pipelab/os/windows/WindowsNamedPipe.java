package dev.pipelab.os.windows;

import com.sun.jna.platform.win32.WinNT.HANDLE;
import dev.pipelab.api.PipeAddress;
import dev.pipelab.spi.os.NamedPipe;
import dev.pipelab.spi.os.PipeInstance;
import java.io.IOException;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The blocking style on Windows: every instance is a handle from CreateNamedPipe under the
 * claimed name, bound to the seam's {@link CompletionPort}. Closing the pipe creates no more
 * instances and cancels every pending ConnectNamedPipe, whose caller then sees the pipe closed.
 *
 * <p>An engine closes an instance when its client is done and creates another for the next
 * client. On Windows a name lives only while an instance does: closed for good, the last handle
 * would free the name, for a moment, to any process that asks for it (name squatting), and a
 * client waiting in WaitNamedPipe would hear that there is no server. So a closed instance is
 * disconnected and kept, and the next {@link #createInstance()} hands its handle out again, as the
 * overlapped sample reconnects its instances; the handles are closed with the pipe. They are
 * never more than the engine had at once.
 */
final class WindowsNamedPipe implements NamedPipe {

    private final Kernel32Calls calls;
    private final WindowsAccounts accounts;
    private final WindowsPipeName name;
    private final CompletionPort port;
    private final Flusher flusher;
    private final Set<WindowsPipeInstance> connecting = ConcurrentHashMap.newKeySet();
    private final Deque<HANDLE> disconnected = new ConcurrentLinkedDeque<>();
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
        HANDLE handle = disconnected.pollFirst(); // after close, its connect sees the pipe closed
        if (handle == null) {
            handle = name.createInstance(); // CreateNamedPipe, or the claiming instance
            try {
                port.bind(handle);
            } catch (IOException e) {
                calls.CloseHandle(handle);
                throw e;
            }
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

    /**
     * An instance's {@code handle}, disconnected from its client, with nothing started on it that
     * has not been cancelled: kept for the next {@link #createInstance()}, or closed if the pipe is.
     */
    void disconnected(HANDLE handle) {
        disconnected.addFirst(handle);
        if (!open) {
            closeKept(); // close() may have emptied the deque before this one came
        }
    }

    /** Closes every kept handle; each once, whoever else closes them at the same time. */
    private void closeKept() {
        for (HANDLE h; (h = disconnected.pollFirst()) != null; ) {
            closeHandle(h);
        }
    }

    private void closeHandle(HANDLE handle) {
        calls.CloseHandle(handle);
        port.unbind();
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
        closeKept();
    }

    @Override
    public String toString() {
        return "WindowsNamedPipe[" + name + "]";
    }
}
