package dev.pipelab.os.windows;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The security descriptor of a PipeLab pipe, as the SDDL string that
 * ConvertStringSecurityDescriptorToSecurityDescriptor turns into the SECURITY_ATTRIBUTES passed
 * to CreateNamedPipe for every instance.
 *
 * <p>Without SECURITY_ATTRIBUTES Windows gives a pipe a default DACL that lets Everyone and the
 * anonymous account read it, so PipeLab always passes one:
 *
 * <pre>D:P(A;;GA;;;SY)(A;;GA;;;<i>owner</i>)(A;;0x12018b;;;<i>allowed</i>)...</pre>
 *
 * <dl>
 *   <dt>{@code D:P}
 *   <dd>a protected DACL: nothing is inherited from the parent, so only these entries apply.
 *   <dt>SYSTEM and the owner: {@code GA} (GENERIC_ALL)
 *   <dd>the owner is the user the server runs as; it needs FILE_CREATE_PIPE_INSTANCE to create
 *       the pipe's further instances, and may open the pipe as a client with any access.
 *   <dt>each allowed user or group: {@link #CLIENT_RIGHTS} = FILE_GENERIC_READ | FILE_WRITE_DATA
 *       | FILE_WRITE_ATTRIBUTES (0x12018B)
 *   <dd>what a client needs to read, write and (with FILE_WRITE_ATTRIBUTES) change its handle's
 *       mode with SetNamedPipeHandleState, and nothing more. Never FILE_GENERIC_WRITE: it
 *       contains FILE_APPEND_DATA, and on a pipe FILE_APPEND_DATA is FILE_CREATE_PIPE_INSTANCE
 *       (both 0x4), so a client granted it could create instances of its own and squat the
 *       pipe's name, answering the next clients in the server's place.
 * </dl>
 *
 * <p>The allowed accounts are the configuration's {@code allowedUsers} and {@code allowedGroups},
 * resolved to SIDs; with neither, only SYSTEM and the owner may open the pipe (as a Unix socket
 * file's default mode 0600 lets only its owner in). The SIDs are sorted and each appears once,
 * so the same configuration always gives the same string.
 *
 * <p><b>Clients</b> other than the owner must therefore open the pipe with {@link #CLIENT_ACCESS}
 * = GENERIC_READ | FILE_WRITE_DATA (adding FILE_WRITE_ATTRIBUTES to call
 * SetNamedPipeHandleState), not with GENERIC_READ | GENERIC_WRITE as the SDK's client sample
 * does: on a pipe GENERIC_WRITE maps to FILE_GENERIC_WRITE, which asks for FILE_APPEND_DATA, and
 * CreateFile fails with ERROR_ACCESS_DENIED.
 */
final class PipeSecurity {

    /** The rights an allowed user or group gets: 0x120089 | 0x2 | 0x100 = 0x12018B. */
    static final int CLIENT_RIGHTS = Win32.FILE_GENERIC_READ | Win32.FILE_WRITE_DATA | Win32.FILE_WRITE_ATTRIBUTES;

    /** The desired access a client passes to CreateFile: within {@link #CLIENT_RIGHTS}. */
    static final int CLIENT_ACCESS = Win32.GENERIC_READ | Win32.FILE_WRITE_DATA;

    /** LocalSystem's SID, which the descriptor names by its SDDL alias {@code SY}. */
    private static final String SYSTEM_SID = "S-1-5-18";

    /** A SID in string form; anything else would change the SDDL's meaning, not just its SIDs. */
    private static final Pattern SID = Pattern.compile("S-1-\\d+(-\\d+)*");

    private PipeSecurity() {}

    /**
     * The SDDL that lets in SYSTEM, the current user (the owner) and the given users and groups
     * (a configuration's {@code allowedUsers()} and {@code allowedGroups()}), each name resolved
     * with {@link WindowsAccounts#sidOf}.
     *
     * @throws IllegalArgumentException naming the configuration key and the name, for a name
     *     that is no Windows account
     */
    static String sddl(WindowsAccounts accounts, Set<String> allowedUsers, Set<String> allowedGroups) {
        String owner = checkedSid(accounts.currentUserSid(), "the current user");
        SortedSet<String> allowed = new TreeSet<>();
        resolve(accounts, "allowedUsers", allowedUsers, allowed);
        resolve(accounts, "allowedGroups", allowedGroups, allowed);
        // These already have every right; a narrower entry for them would only repeat them.
        allowed.remove(owner);
        allowed.remove(SYSTEM_SID);

        StringBuilder sddl = new StringBuilder("D:P").append(ace("GA", "SY")).append(ace("GA", owner));
        String clientRights = "0x" + Integer.toHexString(CLIENT_RIGHTS);
        for (String sid : allowed) {
            sddl.append(ace(clientRights, sid));
        }
        return sddl.toString();
    }

    private static void resolve(WindowsAccounts accounts, String key, Set<String> names, Set<String> sids) {
        for (String name : names) {
            String sid;
            try {
                sid = accounts.sidOf(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": there is no Windows account named '" + name + "'", e);
            }
            sids.add(checkedSid(sid, key + " '" + name + "'"));
        }
    }

    private static String checkedSid(String sid, String whose) {
        if (sid == null || !SID.matcher(sid).matches()) {
            throw new IllegalStateException("the SID of " + whose + " is not a SID: " + sid);
        }
        return sid;
    }

    /** An access-allowed ACE without flags: {@code (A;;rights;;;sid)}. */
    private static String ace(String rights, String sid) {
        return "(A;;" + rights + ";;;" + sid + ")";
    }
}
