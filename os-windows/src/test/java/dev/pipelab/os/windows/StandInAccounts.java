package dev.pipelab.os.windows;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.pipelab.api.PeerIdentity;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accounts for tests on Linux: the current user (named as {@code user.name} says) with a fixed
 * SID, a few other accounts, and every client process run by the current user. Security
 * attributes are real native memory with no descriptor in it, so that their lifetime is checked.
 */
final class StandInAccounts implements WindowsAccounts {

    static final String USER = System.getProperty("user.name", "tester");
    static final String USER_SID = "S-1-5-21-1000-2000-3000-1001";
    static final String GROUP = "Users";

    private static final Map<String, String> SIDS = Map.of(
            USER,
            USER_SID,
            "somebody-else",
            "S-1-5-21-1000-2000-3000-1002",
            GROUP,
            "S-1-5-32-545",
            "Administrators",
            "S-1-5-32-544",
            "Guest",
            "S-1-5-21-1000-2000-3000-501",
            "Guests",
            "S-1-5-32-546");

    /** Security attributes handed out and not yet closed. */
    final AtomicInteger openAttributes = new AtomicInteger();

    @Override
    public String currentUserSid() {
        return USER_SID;
    }

    @Override
    public String sidOf(String name) {
        String sid = SIDS.get(name);
        if (sid == null) {
            throw new IllegalArgumentException("no account named " + name);
        }
        return sid;
    }

    @Override
    public PeerIdentity identityOf(int pid) {
        return new PeerIdentity(USER, GROUP, OptionalLong.of(pid), Set.of(GROUP));
    }

    @Override
    public SecurityAttributes securityAttributes(String sddl) {
        Memory memory = new Memory(NativeLayout.SECURITY_ATTRIBUTES_SIZE);
        memory.clear();
        memory.setInt(NativeLayout.SECURITY_ATTRIBUTES_LENGTH, NativeLayout.SECURITY_ATTRIBUTES_SIZE);
        openAttributes.incrementAndGet();
        return new SecurityAttributes() {
            private boolean closed;

            @Override
            public Pointer pointer() {
                return memory;
            }

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    openAttributes.decrementAndGet();
                }
            }
        };
    }
}
