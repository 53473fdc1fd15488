package dev.pipelab.os.windows;

import com.sun.jna.Pointer;
import dev.pipelab.api.PeerIdentity;
import java.io.IOException;

/**
 * What the seam asks of Windows security (advapi32): accounts by name, who runs a client
 * process, and security descriptors in native memory. On Windows {@link JnaAccounts} answers;
 * on Linux tests answer with fixed accounts.
 */
interface WindowsAccounts {

    /** The SID, in string form ({@code S-1-5-21-...}), of the user this process runs as. */
    String currentUserSid();

    /**
     * The SID of the account called {@code name}: a user or a group, as {@code name} or
     * {@code DOMAIN\name}.
     *
     * @throws IllegalArgumentException naming {@code name} when there is no such account
     */
    String sidOf(String name);

    /**
     * Who runs process {@code pid}: the user of its access token, that token's primary group,
     * and the groups the token holds. When the process cannot be opened (it has exited, or this
     * user may not query it), the names are {@code "?"} and the pid is kept.
     */
    PeerIdentity identityOf(int pid);

    /**
     * A SECURITY_ATTRIBUTES structure, in native memory, holding the security descriptor that
     * {@code sddl} describes (ConvertStringSecurityDescriptorToSecurityDescriptor).
     *
     * @throws IOException naming the SDDL when Windows refuses it
     */
    SecurityAttributes securityAttributes(String sddl) throws IOException;

    /** Native memory that stays valid until {@link #close()}. */
    interface SecurityAttributes extends AutoCloseable {

        /** The SECURITY_ATTRIBUTES, for CreateNamedPipe. */
        Pointer pointer();

        /** Frees the descriptor (LocalFree) and the structure. Idempotent. */
        @Override
        void close();
    }
}
