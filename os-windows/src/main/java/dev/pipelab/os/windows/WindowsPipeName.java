package dev.pipelab.os.windows;

import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeServerConfig;
import java.io.IOException;

/**
 * A claimed pipe name and how instances are created under it. Claiming creates the first
 * instance with FILE_FLAG_FIRST_PIPE_INSTANCE, so that a name a live server holds is never
 * taken (Windows refuses it with ERROR_ACCESS_DENIED); that instance is handed out by the first
 * {@link #createInstance()}. Every instance is overlapped, in byte mode with PipeLab's frames,
 * refuses remote clients, and carries the security descriptor of {@link PipeSecurity}.
 */
final class WindowsPipeName {

    /** Advisory sizes of each instance's buffers in the kernel (CreateNamedPipe may round them). */
    static final int KERNEL_BUFFER_BYTES = 64 * 1024;

    private static final int OPEN_MODE = Win32.PIPE_ACCESS_DUPLEX | Win32.FILE_FLAG_OVERLAPPED;
    private static final int PIPE_MODE =
            Win32.PIPE_TYPE_BYTE | Win32.PIPE_READMODE_BYTE | Win32.PIPE_WAIT | Win32.PIPE_REJECT_REMOTE_CLIENTS;

    private final Kernel32Calls calls;
    private final PipeServerConfig config;
    private final WindowsAccounts.SecurityAttributes security;
    private HANDLE first; // the claiming instance, until the first createInstance takes it
    private boolean closed;

    private WindowsPipeName(
            Kernel32Calls calls, PipeServerConfig config, WindowsAccounts.SecurityAttributes security, HANDLE first) {
        this.calls = calls;
        this.config = config;
        this.security = security;
        this.first = first;
    }

    /** Claims {@code config}'s pipe name. */
    static WindowsPipeName claim(Kernel32Calls calls, WindowsAccounts accounts, PipeServerConfig config)
            throws IOException {
        WindowsAccounts.SecurityAttributes security =
                accounts.securityAttributes(PipeSecurity.sddl(accounts, config.allowedUsers(), config.allowedGroups()));
        try {
            HANDLE first = create(calls, config, security, Win32.FILE_FLAG_FIRST_PIPE_INSTANCE);
            return new WindowsPipeName(calls, config, security, first);
        } catch (IOException | RuntimeException e) {
            security.close();
            throw e;
        }
    }

    private static HANDLE create(
            Kernel32Calls calls, PipeServerConfig config, WindowsAccounts.SecurityAttributes security, int extraFlags)
            throws IOException {
        String name = config.address().value();
        HANDLE h = calls.CreateNamedPipe(
                name,
                OPEN_MODE | extraFlags,
                PIPE_MODE,
                // The engines bound their instances by maxInstances themselves: the kernel's limit
                // (at most 254 otherwise) would refuse the instance an engine creates before it
                // closes the one it is done with.
                Win32.PIPE_UNLIMITED_INSTANCES,
                KERNEL_BUFFER_BYTES,
                KERNEL_BUFFER_BYTES,
                0,
                security.pointer());
        if (h == null || WinBase.INVALID_HANDLE_VALUE.equals(h)) {
            int error = calls.lastError();
            if (error == Win32.ERROR_ACCESS_DENIED && extraFlags != 0) {
                throw new IOException(name + " is already in use by a running server (ERROR_ACCESS_DENIED)");
            }
            throw new IOException(
                    "CreateNamedPipe " + name + " failed: " + Win32Errors.name(error) + " (" + error + ")");
        }
        return h;
    }

    PipeAddress address() {
        return config.address();
    }

    PipeServerConfig config() {
        return config;
    }

    /** CreateNamedPipe: a new instance, listening for a client. */
    synchronized HANDLE createInstance() throws IOException {
        if (closed) {
            throw new java.nio.channels.ClosedChannelException();
        }
        if (first != null) {
            HANDLE h = first;
            first = null;
            return h;
        }
        return create(calls, config, security, 0);
    }

    /** True until {@link #close()}. */
    synchronized boolean isOpen() {
        return !closed;
    }

    /**
     * Creates no more instances, and frees the claiming instance if nobody took it. The name
     * itself lives until the last instance closes, as on Windows. Idempotent.
     */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (first != null) {
            calls.CloseHandle(first);
            first = null;
        }
        security.close();
    }

    @Override
    public String toString() {
        return config.address().value();
    }
}
