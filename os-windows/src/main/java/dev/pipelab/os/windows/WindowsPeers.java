package dev.pipelab.os.windows;

import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import dev.pipelab.api.PeerIdentity;

/** Who is at the client end of an instance: GetNamedPipeClientProcessId, then that process's token. */
final class WindowsPeers {

    private WindowsPeers() {}

    /** The client of the connected instance {@code pipe}, or {@link PeerIdentity#UNKNOWN} if Windows does not tell. */
    static PeerIdentity identityOf(Kernel32Calls calls, WindowsAccounts accounts, HANDLE pipe) {
        IntByReference pid = new IntByReference();
        if (!calls.GetNamedPipeClientProcessId(pipe, pid)) {
            return PeerIdentity.UNKNOWN;
        }
        return accounts.identityOf(pid.getValue());
    }
}
