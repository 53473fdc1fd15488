package dev.pipelab.os.windows;

import dev.pipelab.api.PeerIdentity;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Windows accounts for tests on Linux: a fixed current user and a fixed table of names, looked
 * up case-insensitively as Windows does. It knows no processes and makes no security descriptors.
 */
final class FixedAccounts implements WindowsAccounts {

    private final String currentUserSid;
    private final Map<String, String> sidsByName = new TreeMap<>();

    /** {@code namesAndSids}: name, SID, name, SID, ... */
    FixedAccounts(String currentUserSid, String... namesAndSids) {
        if (namesAndSids.length % 2 != 0) {
            throw new IllegalArgumentException("names and SIDs come in pairs");
        }
        this.currentUserSid = currentUserSid;
        for (int i = 0; i < namesAndSids.length; i += 2) {
            sidsByName.put(namesAndSids[i].toLowerCase(Locale.ROOT), namesAndSids[i + 1]);
        }
    }

    @Override
    public String currentUserSid() {
        return currentUserSid;
    }

    @Override
    public String sidOf(String name) {
        String sid = sidsByName.get(name.toLowerCase(Locale.ROOT));
        if (sid == null) {
            throw new IllegalArgumentException("no account named " + name);
        }
        return sid;
    }

    @Override
    public PeerIdentity identityOf(int pid) {
        throw new UnsupportedOperationException("FixedAccounts knows no processes");
    }

    @Override
    public SecurityAttributes securityAttributes(String sddl) {
        throw new UnsupportedOperationException("FixedAccounts makes no security descriptors");
    }
}
