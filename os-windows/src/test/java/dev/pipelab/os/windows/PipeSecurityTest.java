package dev.pipelab.os.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PipeSecurityTest {

    private static final String OWNER = "S-1-5-21-1004336348-1177238915-682003330-1001";
    private static final String ALICE = "S-1-5-21-1004336348-1177238915-682003330-1002";
    private static final String BOB = "S-1-5-21-1004336348-1177238915-682003330-1003";
    private static final String OPERATORS = "S-1-5-21-1004336348-1177238915-682003330-1010";
    private static final String USERS = "S-1-5-32-545";

    private static final WindowsAccounts ACCOUNTS = new FixedAccounts(
            OWNER,
            "owner",
            OWNER,
            "alice",
            ALICE,
            "HOST\\alice",
            ALICE,
            "bob",
            BOB,
            "operators",
            OPERATORS,
            "Users",
            USERS,
            "SYSTEM",
            "S-1-5-18");

    private static final Pattern ACE = Pattern.compile("\\(A;;([^;]+);;;([^)]+)\\)");

    @Test
    void theClientRightsAreReadWriteDataAndWriteAttributes() {
        int rights = PipeSecurity.CLIENT_RIGHTS; // a variable: the bit tests below are the point
        assertThat(rights).isEqualTo(0x120089 | 0x2 | 0x100).isEqualTo(0x12018B);
        assertThat(rights & Win32.FILE_CREATE_PIPE_INSTANCE)
                .as("FILE_CREATE_PIPE_INSTANCE (= FILE_APPEND_DATA)")
                .isZero();
        // GENERIC_READ | FILE_WRITE_DATA, with GENERIC_READ mapped to FILE_GENERIC_READ, is granted...
        assertThat(PipeSecurity.CLIENT_ACCESS).isEqualTo(Win32.GENERIC_READ | Win32.FILE_WRITE_DATA);
        assertThat((Win32.FILE_GENERIC_READ | Win32.FILE_WRITE_DATA) & ~rights).isZero();
        // ...and GENERIC_WRITE, mapped to FILE_GENERIC_WRITE, is not: it asks for FILE_APPEND_DATA
        // (and FILE_WRITE_EA, 0x10).
        assertThat(Win32.FILE_GENERIC_WRITE & ~rights).isEqualTo(Win32.FILE_APPEND_DATA | 0x10);
    }

    @Test
    void withoutAnAllowListOnlySystemAndTheOwnerMayOpenThePipe() {
        assertThat(PipeSecurity.sddl(ACCOUNTS, Set.of(), Set.of())).isEqualTo("D:P(A;;GA;;;SY)(A;;GA;;;" + OWNER + ")");
    }

    @Test
    void allowedUsersAndGroupsMayReadAndWriteDataOnly() {
        assertThat(PipeSecurity.sddl(ACCOUNTS, Set.of("bob", "alice"), Set.of("Users", "operators")))
                .isEqualTo("D:P(A;;GA;;;SY)(A;;GA;;;" + OWNER + ")"
                        + "(A;;0x12018b;;;" + ALICE + ")"
                        + "(A;;0x12018b;;;" + BOB + ")"
                        + "(A;;0x12018b;;;" + OPERATORS + ")"
                        + "(A;;0x12018b;;;" + USERS + ")");
    }

    @Test
    void theSidsAreSortedAndEachAppearsOnceWhateverTheOrderOfTheNames() {
        Set<String> oneOrder = new LinkedHashSet<>(List.of("operators", "bob", "alice", "HOST\\alice"));
        Set<String> otherOrder = new LinkedHashSet<>(List.of("HOST\\alice", "alice", "bob", "operators"));

        String sddl = PipeSecurity.sddl(ACCOUNTS, oneOrder, Set.of("operators"));

        assertThat(PipeSecurity.sddl(ACCOUNTS, otherOrder, Set.of("operators"))).isEqualTo(sddl);
        assertThat(sids(sddl)).containsExactly("SY", OWNER, ALICE, BOB, OPERATORS);
    }

    @Test
    void theOwnerAndSystemKeepFullAccessWhenTheAllowListNamesThem() {
        assertThat(PipeSecurity.sddl(ACCOUNTS, Set.of("owner", "SYSTEM", "bob"), Set.of()))
                .isEqualTo("D:P(A;;GA;;;SY)(A;;GA;;;" + OWNER + ")(A;;0x12018b;;;" + BOB + ")");
    }

    @Test
    void nobodyButSystemAndTheOwnerMayCreateInstances() {
        String sddl = PipeSecurity.sddl(ACCOUNTS, Set.of("alice", "bob", "owner"), Set.of("operators", "Users"));

        Matcher ace = ACE.matcher(sddl);
        int clients = 0;
        while (ace.find()) {
            String rights = ace.group(1);
            String sid = ace.group(2);
            if (sid.equals("SY") || sid.equals(OWNER)) {
                assertThat(rights).as("%s in %s", sid, sddl).isEqualTo("GA");
                continue;
            }
            clients++;
            assertThat(rights).as("%s in %s", sid, sddl).startsWith("0x");
            int mask = Integer.parseUnsignedInt(rights.substring(2), 16);
            assertThat(mask & Win32.FILE_APPEND_DATA)
                    .as("FILE_APPEND_DATA = FILE_CREATE_PIPE_INSTANCE for %s in %s", sid, sddl)
                    .isZero();
            assertThat(mask).as("%s in %s", sid, sddl).isEqualTo(PipeSecurity.CLIENT_RIGHTS);
        }
        assertThat(clients).isEqualTo(4);
        assertThat(sddl).startsWith("D:P(").doesNotContain("GW", "FW", "FA", "GR;", "WD");
    }

    @Test
    void anUnknownAccountFailsNamingItAndItsKey() {
        assertThatThrownBy(() -> PipeSecurity.sddl(ACCOUNTS, Set.of("alice", "mallory"), Set.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowedUsers")
                .hasMessageContaining("'mallory'");
        assertThatThrownBy(() -> PipeSecurity.sddl(ACCOUNTS, Set.of(), Set.of("no-such-group")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowedGroups")
                .hasMessageContaining("'no-such-group'");
    }

    @Test
    void aSidThatIsNotOneIsRefusedRatherThanWrittenIntoTheDescriptor() {
        WindowsAccounts broken = new FixedAccounts(OWNER, "eve", "S-1-5-18)(A;;GA;;;WD");

        assertThatThrownBy(() -> PipeSecurity.sddl(broken, Set.of("eve"), Set.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'eve'");
    }

    private static List<String> sids(String sddl) {
        List<String> sids = new ArrayList<>();
        Matcher ace = ACE.matcher(sddl);
        while (ace.find()) {
            sids.add(ace.group(2));
        }
        return sids;
    }
}
