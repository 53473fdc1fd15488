package dev.pipelab.os.windows;

import dev.pipelab.api.PipeAddress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the overlapped and completion pipes share on Windows: the claimed name, the instances in
 * creation order, the owning thread, stopping to accept, and closing once.
 */
abstract class AsyncPipeBase implements WindowsAsyncInstance.AsyncPipe {

    protected final Kernel32Calls calls;
    protected final WindowsAccounts accounts;
    protected final WindowsPipeName name;
    protected final Flusher flusher;
    private final List<WindowsAsyncInstance> created = new ArrayList<>(); // guarded by itself
    private volatile Thread owner;
    private volatile boolean stopped;
    private boolean closed; // guarded by this

    AsyncPipeBase(Kernel32Calls calls, WindowsAccounts accounts, WindowsPipeName name, Flusher flusher) {
        this.calls = calls;
        this.accounts = accounts;
        this.name = name;
        this.flusher = flusher;
    }

    public PipeAddress address() {
        return name.address();
    }

    /** CreateNamedPipe, and CreateEvent for the overlapped style ({@code withEvent}). */
    protected WindowsAsyncInstance newInstance(boolean withEvent) throws IOException {
        checkOwner();
        var handle = name.createInstance();
        WindowsEvent event = null;
        try {
            event = withEvent ? WindowsEvent.create(calls, false) : null;
        } catch (IOException e) {
            calls.CloseHandle(handle);
            throw e;
        }
        synchronized (created) {
            WindowsAsyncInstance instance = new WindowsAsyncInstance(
                    calls,
                    accounts,
                    this,
                    flusher,
                    handle,
                    event,
                    created.size(),
                    name.config().maxMessageBytes());
            created.add(instance);
            return instance;
        }
    }

    @Override
    public void checkOwner() {
        Thread t = owner;
        if (t == null) {
            synchronized (this) {
                if (owner == null) {
                    owner = Thread.currentThread();
                }
                t = owner;
            }
        }
        if (t != Thread.currentThread()) {
            throw new IllegalStateException("only the pipe's thread " + t.getName() + " may use it, not "
                    + Thread.currentThread().getName());
        }
    }

    /** The owning thread, or null before its first use. */
    protected Thread owner() {
        return owner;
    }

    @Override
    public boolean isStopped() {
        return stopped;
    }

    /** Stops accepting: no new instances, and every pending ConnectNamedPipe is cancelled. */
    public void stopAccepting() {
        stopped = true;
        name.close();
        List<WindowsAsyncInstance> all;
        synchronized (created) {
            all = List.copyOf(created);
        }
        all.forEach(WindowsAsyncInstance::cancelConnect);
    }

    /** Stops accepting, then frees what the style holds ({@link #closeStyle()}). Idempotent. */
    public final void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stopAccepting();
        closeStyle();
    }

    /** What the style frees when the pipe closes, once it has stopped accepting. */
    protected abstract void closeStyle();

    @Override
    public void holdWhileOutstanding(WindowsAsyncInstance instance) {}

    @Override
    public void releaseOutstanding(WindowsAsyncInstance instance) {}

    @Override
    public void queueRoutine(Runnable routine) {
        throw new UnsupportedOperationException("routines belong to the completion style");
    }

    @Override
    public void runRoutine(Runnable routine) {
        throw new UnsupportedOperationException("routines belong to the completion style");
    }

    @Override
    public void queueUserApc(Runnable apc) {
        throw new UnsupportedOperationException("APCs belong to the completion style");
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + "]";
    }
}
