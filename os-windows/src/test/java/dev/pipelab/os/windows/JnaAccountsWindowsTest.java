package dev.pipelab.os.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** JnaAccounts against the real advapi32 and kernel32: Windows only (no Windows JVM on Linux CI). */
@EnabledOnOs(OS.WINDOWS)
class JnaAccountsWindowsTest {

    private static final String SID = "S-1-5-\\d+(-\\d+)*";

    private final JnaAccounts accounts = JnaAccounts.INSTANCE;

    private final String userName = System.getProperty("user.name");

    @Test
    void theCurrentUserIsTheAccountOfThisProcessesUserName() {
        String sid = accounts.currentUserSid();

        assertThat(sid).matches(SID);
        assertThat(accounts.currentUserSid()).isEqualTo(sid);
        String domain = System.getenv("USERDOMAIN");
        if (domain != null && !domain.isEmpty()) {
            // Qualified, in case a local and a domain account share the name.
            assertThat(accounts.sidOf(domain + "\\" + userName)).isEqualTo(sid);
        }
        assertThat(accounts.sidOf(userName)).matches(SID);
    }

    @Test
    void anUnknownAccountFailsNamingIt() {
        String name = "pipelab-no-such-account-" + UUID.randomUUID().toString().substring(0, 8);

        assertThatThrownBy(() -> accounts.sidOf(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(name);
    }

    @Test
    void thisProcessIsRunByTheCurrentUser() {
        int pid = Math.toIntExact(ProcessHandle.current().pid());

        var identity = accounts.identityOf(pid);

        assertThat(identity.user().toLowerCase(Locale.ROOT)).isEqualTo(userName.toLowerCase(Locale.ROOT));
        assertThat(identity.pid()).hasValue(pid);
        assertThat(identity.group()).isNotEqualTo("?");
        assertThat(identity.groups()).contains(identity.group());
    }

    @Test
    void aProcessThatCannotBeOpenedIsNotIdentifiedButKeepsItsPid() {
        // pid 0 is the System Idle Process, which OpenProcess refuses.
        var identity = accounts.identityOf(0);

        assertThat(identity.user()).isEqualTo("?");
        assertThat(identity.group()).isEqualTo("?");
        assertThat(identity.pid()).hasValue(0);
    }

    @Test
    void aSecurityDescriptorRoundTripsAndGuardsARealPipe() throws IOException {
        String owner = accounts.currentUserSid();
        // BUILTIN\Users by its SID: its name depends on the language of Windows.
        String sddl = PipeSecurity.sddl(new FixedAccounts(owner, "users", "S-1-5-32-545"), Set.of(), Set.of("users"));
        Kernel32Calls kernel32 = Kernel32Calls.load();

        WindowsAccounts.SecurityAttributes attributes = accounts.securityAttributes(sddl);
        try {
            Pointer sa = attributes.pointer();
            assertThat(sa.getInt(NativeLayout.SECURITY_ATTRIBUTES_LENGTH))
                    .isEqualTo(NativeLayout.SECURITY_ATTRIBUTES_SIZE);
            assertThat(sa.getInt(NativeLayout.SECURITY_ATTRIBUTES_INHERIT)).isZero();
            Pointer descriptor = sa.getPointer(NativeLayout.SECURITY_ATTRIBUTES_DESCRIPTOR);
            assertThat(descriptor).isNotNull();

            // Windows writes SIDs it has aliases for as aliases (S-1-5-32-545 as BU): what it
            // writes back must be a protected DACL of the same three entries, and stable.
            String back = sddlOf(descriptor);
            assertThat(back).as(back).startsWith("D:P(A;;GA;;;SY)(A;;GA;;;");
            assertThat(back.split("\\(A;", -1)).as(back).hasSize(4);
            try (WindowsAccounts.SecurityAttributes again = accounts.securityAttributes(back)) {
                assertThat(sddlOf(again.pointer().getPointer(NativeLayout.SECURITY_ATTRIBUTES_DESCRIPTOR)))
                        .isEqualTo(back);
            }

            // The owner creates the pipe with the descriptor and opens it with full access.
            String name = "\\\\.\\pipe\\pipelab-accounts-" + UUID.randomUUID();
            HANDLE server = kernel32.CreateNamedPipe(
                    name,
                    Win32.PIPE_ACCESS_DUPLEX | Win32.FILE_FLAG_FIRST_PIPE_INSTANCE,
                    Win32.PIPE_TYPE_BYTE
                            | Win32.PIPE_READMODE_BYTE
                            | Win32.PIPE_WAIT
                            | Win32.PIPE_REJECT_REMOTE_CLIENTS,
                    1,
                    4096,
                    4096,
                    0,
                    sa);
            assertThat(server)
                    .as("CreateNamedPipe: error %s", kernel32.lastError())
                    .isNotEqualTo(WinBase.INVALID_HANDLE_VALUE);
            try {
                HANDLE client = kernel32.CreateFile(
                        name, Win32.GENERIC_READ | Win32.GENERIC_WRITE, 0, null, Win32.OPEN_EXISTING, 0, null);
                assertThat(client)
                        .as("CreateFile as the owner %s: error %s", owner, kernel32.lastError())
                        .isNotEqualTo(WinBase.INVALID_HANDLE_VALUE);
                kernel32.CloseHandle(client);
            } finally {
                kernel32.CloseHandle(server);
            }
        } finally {
            attributes.close();
        }
        assertThatThrownBy(attributes::pointer).isInstanceOf(IllegalStateException.class);
        attributes.close(); // idempotent
    }

    @Test
    void aMalformedSddlIsRefusedNamingIt() {
        assertThatThrownBy(() -> accounts.securityAttributes("D:P(A;;NOT-A-RIGHT;;;SY)"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("NOT-A-RIGHT");
    }

    /** The DACL of {@code descriptor} in SDDL, as Windows writes it. */
    private static String sddlOf(Pointer descriptor) {
        Advapi32Calls advapi32 = Advapi32Calls.load();
        PointerByReference sddl = new PointerByReference();
        assertThat(advapi32.ConvertSecurityDescriptorToStringSecurityDescriptor(
                        descriptor, Win32.SDDL_REVISION_1, Win32.DACL_SECURITY_INFORMATION, sddl, null))
                .as("ConvertSecurityDescriptorToStringSecurityDescriptor: error %s", advapi32.lastError())
                .isTrue();
        try {
            return sddl.getValue().getWideString(0);
        } finally {
            Kernel32.INSTANCE.LocalFree(sddl.getValue());
        }
    }
}
