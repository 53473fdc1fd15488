package dev.pipelab.os.windows;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Advapi32;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.Advapi32Util.Account;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.Win32Exception;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.platform.win32.WinNT.HANDLEByReference;
import com.sun.jna.platform.win32.WinNT.SID_NAME_USE;
import com.sun.jna.platform.win32.WinNT.TOKEN_INFORMATION_CLASS;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.pipelab.api.PeerIdentity;
import java.io.IOException;
import java.lang.ref.Reference;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link WindowsAccounts} on advapi32 and kernel32, through jna-platform. Windows only; nothing
 * is loaded until the first call.
 *
 * <p>Names are as Windows gives them: {@link PeerIdentity#user()} and {@link PeerIdentity#group()}
 * are plain account names (as GetUserName and the {@code user.name} property give them), and
 * {@link PeerIdentity#groups()} holds each group twice, as {@code name} and as
 * {@code DOMAIN\name}, so that either form in a configuration finds it. Only the groups the
 * token lets its owner use count: enabled ones, not those kept for deny only (an administrator
 * running unelevated holds Administrators for deny only), and not the integrity label or the
 * logon session, which are not accounts.
 */
final class JnaAccounts implements WindowsAccounts {

    static final JnaAccounts INSTANCE = new JnaAccounts();

    private static final Logger LOG = LoggerFactory.getLogger(JnaAccounts.class);

    private static final String UNKNOWN = "?";

    /** The calls jna-platform lacks, loaded at first use so that naming INSTANCE loads nothing. */
    private static final class Libraries {
        static final Advapi32Calls ADVAPI32 = Advapi32Calls.load();
    }

    /** The process's user never changes; computed once (by whichever thread asks first). */
    private volatile String currentUserSid;

    private JnaAccounts() {}

    @Override
    public String currentUserSid() {
        String sid = currentUserSid;
        if (sid == null) {
            // The current process's pseudo-handle needs no CloseHandle.
            Account user = withToken(Kernel32.INSTANCE.GetCurrentProcess(), Advapi32Util::getTokenAccount);
            sid = Objects.requireNonNull(user.sidString, "the current user's SID");
            currentUserSid = sid;
        }
        return sid;
    }

    @Override
    public String sidOf(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("an account name is blank: '" + name + "'");
        }
        Account account;
        try {
            account = Advapi32Util.getAccountByName(null, name);
        } catch (Win32Exception e) {
            if (e.getErrorCode() == Win32.ERROR_NONE_MAPPED) {
                throw new IllegalArgumentException("there is no Windows account named '" + name + "'", e);
            }
            throw new IllegalStateException(
                    "looking up the Windows account '" + name + "' failed: " + e.getMessage(), e);
        }
        return switch (account.accountType) {
            case SID_NAME_USE.SidTypeUser,
                    SID_NAME_USE.SidTypeGroup,
                    SID_NAME_USE.SidTypeAlias,
                    SID_NAME_USE.SidTypeWellKnownGroup -> account.sidString;
            // A domain, a computer, a deleted account or a label: granting it access means nothing.
            default ->
                throw new IllegalArgumentException("the Windows account '" + name + "' is no user or group (SID "
                        + account.sidString + ", SID_NAME_USE " + account.accountType + ")");
        };
    }

    @Override
    public PeerIdentity identityOf(int pid) {
        OptionalLong knownPid = OptionalLong.of(Integer.toUnsignedLong(pid));
        HANDLE process = Kernel32.INSTANCE.OpenProcess(Win32.PROCESS_QUERY_LIMITED_INFORMATION, false, pid);
        if (process == null || WinBase.INVALID_HANDLE_VALUE.equals(process)) {
            LOG.debug("OpenProcess({}) failed (error {}): the peer is not identified", pid, Native.getLastError());
            return new PeerIdentity(UNKNOWN, UNKNOWN, knownPid);
        }
        try {
            return withToken(process, token -> identity(token, knownPid));
        } catch (Win32Exception e) {
            LOG.debug("the token of process {} cannot be read: the peer is not identified", pid, e);
            return new PeerIdentity(UNKNOWN, UNKNOWN, knownPid);
        } finally {
            closeHandle(process, "process " + pid);
        }
    }

    @Override
    public SecurityAttributes securityAttributes(String sddl) throws IOException {
        Objects.requireNonNull(sddl, "sddl");
        Advapi32Calls advapi32 = Libraries.ADVAPI32;
        PointerByReference descriptor = new PointerByReference();
        if (!advapi32.ConvertStringSecurityDescriptorToSecurityDescriptor(
                sddl, Win32.SDDL_REVISION_1, descriptor, null)) {
            int error = advapi32.lastError();
            throw new IOException("Windows refuses the security descriptor " + sddl + ": "
                    + new Win32Exception(error).getMessage() + " (error " + error + ")");
        }
        Pointer localDescriptor = descriptor.getValue();
        boolean handedOver = false;
        try {
            NativeSecurityAttributes attributes = new NativeSecurityAttributes(sddl, localDescriptor);
            handedOver = true;
            return attributes;
        } finally {
            if (!handedOver) {
                localFree(localDescriptor, "the security descriptor of " + sddl);
            }
        }
    }

    @Override
    public String toString() {
        return "JnaAccounts";
    }

    /**
     * The identity in an open token; a name Windows cannot give is "?". Without its user the
     * peer is not identified at all (the Win32Exception goes up); without its groups it is
     * identified by its user alone.
     */
    private static PeerIdentity identity(HANDLE token, OptionalLong pid) {
        String user = name(Advapi32Util.getTokenAccount(token)).orElse(UNKNOWN);
        String group = UNKNOWN;
        Set<String> groups = new LinkedHashSet<>();
        try {
            group = name(Advapi32Util.getTokenPrimaryGroup(token)).orElse(UNKNOWN);
            if (!group.equals(UNKNOWN)) {
                groups.add(group);
            }
            groups.addAll(usableGroups(token));
        } catch (Win32Exception e) {
            LOG.debug("the groups of {}'s token cannot be read; identified by the user only", user, e);
        }
        return new PeerIdentity(user, group, pid, groups);
    }

    /** TokenGroups, as name and DOMAIN\name, the groups that grant access only. */
    private static Set<String> usableGroups(HANDLE token) {
        IntByReference size = new IntByReference();
        // Asked with no buffer, GetTokenInformation says how large a buffer it needs.
        if (!Advapi32.INSTANCE.GetTokenInformation(token, TOKEN_INFORMATION_CLASS.TokenGroups, null, 0, size)) {
            int error = Native.getLastError();
            if (error != Win32.ERROR_INSUFFICIENT_BUFFER) {
                throw new Win32Exception(error);
            }
        }
        if (size.getValue() <= 0) {
            return Set.of();
        }
        WinNT.TOKEN_GROUPS tokenGroups = new WinNT.TOKEN_GROUPS(size.getValue());
        try {
            if (!Advapi32.INSTANCE.GetTokenInformation(
                    token, TOKEN_INFORMATION_CLASS.TokenGroups, tokenGroups, size.getValue(), size)) {
                throw new Win32Exception(Native.getLastError());
            }
            Set<String> names = new LinkedHashSet<>();
            if (tokenGroups.GroupCount == 0) {
                return names;
            }
            for (WinNT.SID_AND_ATTRIBUTES entry : tokenGroups.getGroups()) {
                if (!grantsAccess(entry.Attributes)) {
                    continue;
                }
                try {
                    Account account = Advapi32Util.getAccountBySid(entry.Sid);
                    name(account).ifPresent(name -> {
                        names.add(name);
                        if (account.domain != null && !account.domain.isEmpty()) {
                            names.add(account.domain + "\\" + name);
                        }
                    });
                } catch (Win32Exception e) {
                    LOG.debug("a group SID of a token cannot be looked up; it is left out", e);
                }
            }
            return names;
        } finally {
            // The SIDs point into tokenGroups' memory: keep it until every one has been read.
            Reference.reachabilityFence(tokenGroups);
        }
    }

    private static boolean grantsAccess(int attributes) {
        return (attributes & Win32.SE_GROUP_ENABLED) != 0
                && (attributes & Win32.SE_GROUP_USE_FOR_DENY_ONLY) == 0
                && (attributes & Win32.SE_GROUP_INTEGRITY) == 0
                && (attributes & Win32.SE_GROUP_LOGON_ID) != Win32.SE_GROUP_LOGON_ID;
    }

    /** Advapi32Util answers a SID that maps to no account with SidTypeUnknown, not an exception. */
    private static Optional<String> name(Account account) {
        if (account.accountType == SID_NAME_USE.SidTypeUnknown || account.name == null || account.name.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(account.name);
    }

    /** Opens {@code process}'s token for TOKEN_QUERY, applies {@code query}, closes the token. */
    private static <T> T withToken(HANDLE process, Function<HANDLE, T> query) {
        HANDLEByReference token = new HANDLEByReference();
        if (!Advapi32.INSTANCE.OpenProcessToken(process, Win32.TOKEN_QUERY, token)) {
            throw new Win32Exception(Native.getLastError());
        }
        try {
            return query.apply(token.getValue());
        } finally {
            closeHandle(token.getValue(), "a process token");
        }
    }

    private static void closeHandle(HANDLE handle, String what) {
        if (!Kernel32.INSTANCE.CloseHandle(handle)) {
            LOG.warn("CloseHandle of {} failed (error {})", what, Native.getLastError());
        }
    }

    private static void localFree(Pointer memory, String what) {
        if (Kernel32.INSTANCE.LocalFree(memory) != null) {
            LOG.warn("LocalFree of {} failed (error {})", what, Native.getLastError());
        }
    }

    /**
     * A SECURITY_ATTRIBUTES in memory of its own (NativeLayout's offsets) pointing to a
     * descriptor that advapi32 allocated; both live until {@link #close()}.
     */
    private static final class NativeSecurityAttributes implements SecurityAttributes {

        private final String sddl;
        private final Memory attributes;

        /** LocalAlloc'ed by ConvertStringSecurityDescriptorToSecurityDescriptor; null once freed. */
        private Pointer descriptor;

        NativeSecurityAttributes(String sddl, Pointer descriptor) {
            this.sddl = sddl;
            this.descriptor = descriptor;
            attributes = new Memory(NativeLayout.SECURITY_ATTRIBUTES_SIZE);
            attributes.clear(); // the padding after nLength too
            attributes.setInt(NativeLayout.SECURITY_ATTRIBUTES_LENGTH, NativeLayout.SECURITY_ATTRIBUTES_SIZE);
            attributes.setPointer(NativeLayout.SECURITY_ATTRIBUTES_DESCRIPTOR, descriptor);
            attributes.setInt(NativeLayout.SECURITY_ATTRIBUTES_INHERIT, 0); // a child process inherits no pipe
        }

        @Override
        public synchronized Pointer pointer() {
            if (descriptor == null) {
                throw new IllegalStateException("closed: " + this);
            }
            return attributes;
        }

        @Override
        public synchronized void close() {
            Pointer freed = descriptor;
            if (freed == null) {
                return;
            }
            descriptor = null;
            try {
                attributes.clear(); // no dangling pointer in memory someone may still hold
                localFree(freed, "the security descriptor of " + sddl);
            } finally {
                attributes.close();
            }
        }

        @Override
        public synchronized String toString() {
            return "SecurityAttributes[" + sddl + (descriptor == null ? ", closed]" : "]");
        }
    }
}
