package dev.pipelab.testsuite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pipelab.api.PipeClient;
import dev.pipelab.api.PipeErrorException;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.PipeServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Safe defaults and access: who can reach the socket, who may talk to the server, and that a
 * live server's endpoint is never taken over, whatever else is configured. File modes are
 * Unix's: on Windows the pipe's security descriptor stands in their place, and its tests are the
 * Windows seam's own ({@code PipeSecurityTest}).
 */
public abstract class AccessContract extends ContractSupport {

    private static final String ME = System.getProperty("user.name");

    /**
     * An account that is not this user, and a group this user is not in. Windows resolves every
     * name of an allow-list when the server starts, to build the pipe's security descriptor, so
     * there they are accounts every Windows has; on Unix an allow-list is compared by name only.
     */
    private static final String OTHER_USER = TestPipes.areSocketFiles() ? "somebody-else" : "Guest";

    private static final String OTHER_GROUP = TestPipes.areSocketFiles() ? "no-such-group" : "Guests";
    private static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");

    @Test
    void createsTheSocketOwnerOnlyInADirectoryOnlyTheOwnerCanEnter() throws IOException {
        assumeSocketFiles();
        Path socket = dir.resolve("made/by/pipelab/s.sock");
        PipeServer server = track(factory()
                        .create(PipeServerConfig.builder(socket.toString()).build(), handler))
                .start();
        assertThat(mode(socket)).as("%s", server).isEqualTo("rw-------");
        assertThat(mode(socket.getParent())).isEqualTo("rwx------");
    }

    @Test
    void takesTheConfiguredSocketMode() throws IOException {
        assumeSocketFiles();
        PipeServer server = start(b -> b.socketFileMode(PosixFilePermissions.fromString("rw-rw----")));
        assertThat(mode(server.address().path())).isEqualTo("rw-rw----");
    }

    @Test
    void servesAnAllowedUserOrGroupAndRefusesOthersWithAnErrorFrame() throws IOException {
        PipeServer byUser = start(b -> b.allowedUsers(Set.of(OTHER_USER, ME)));
        assertThat(connect(byUser).request("in")).isEqualTo("in");
        byUser.close();

        handler.peers.clear();
        PipeServer refusing = start(b -> b.allowedUsers(Set.of(OTHER_USER)).allowedGroups(Set.of(OTHER_GROUP)));
        PipeClient probe = connect(refusing);
        assertThatThrownBy(probe::receive)
                .isInstanceOf(PipeErrorException.class)
                .hasMessageStartingWith("user " + ME + " (group ")
                .hasMessageContaining("may not connect")
                .hasMessageContaining("allowedUsers=[" + OTHER_USER + "]");
        assertThat(probe.receive()).isNull();
        assertThat(handler.peers).as("the handler never saw the refused client").isEmpty();
        refusing.close();

        String group = handlerGroupOf();
        PipeServer byGroup = start(b -> b.allowedUsers(Set.of(OTHER_USER)).allowedGroups(Set.of(group)));
        assertThat(connect(byGroup).request("in by group")).isEqualTo("in by group");
    }

    /** The primary group of this process's user, as the server sees it. */
    private String handlerGroupOf() throws IOException {
        PipeServer server = start(b -> b);
        connect(server).request("who am I");
        server.close();
        return handler.peers.poll().group();
    }

    @Test
    void onWindowsAnAllowListNamingNoAccountFailsToStartAndNamesIt() {
        assumeTrue(!TestPipes.areSocketFiles(), "on Unix an allow-list is compared by name: no account is looked up");
        assertThatThrownBy(() -> start(b -> b.allowedUsers(Set.of(ME)).allowedGroups(Set.of("no-such-group"))))
                .hasMessageContaining("allowedGroups")
                .hasMessageContaining("no-such-group");
    }

    @Test
    void aSecondServerOnALiveEndpointFailsWhateverItsOptions() throws IOException {
        PipeServer first = start();
        PipeServerConfig other = PipeServerConfig.builder(first.address().value())
                .socketFileMode(PosixFilePermissions.fromString("rw-rw-rw-"))
                .allowedUsers(Set.of(ME))
                .maxInstances(1)
                .build();
        PipeServer second = track(factory().create(other, handler));
        assertThatThrownBy(second::start).hasMessageContaining("already in use by a running server");
        if (TestPipes.areSocketFiles()) {
            assertThat(mode(first.address().path()))
                    .as("the first server's socket is untouched")
                    .isEqualTo("rw-------");
        }
        assertThat(connect(first).request("still mine")).isEqualTo("still mine");
    }

    @Test
    void anotherUserCannotReachTheSocketAndIsRefusedWhenItCan() throws Exception {
        assumeSocketFiles();
        assumeTrue(ME.equals("root"), "needs root, to run a client as another user; the tests run as " + ME);
        assumeTrue(
                Files.isExecutable(SYSTEM_PYTHON) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "needs /usr/bin/python3 and /usr/bin/setpriv to run a client as nobody");
        PipeServer locked = start();
        assertThat(connectAsNobody(locked.address().path()))
                .as("nobody, default mode")
                .contains("Permission denied");
        locked.close();

        // Open the directory and the socket to everyone: now only the allow-list stands in the way.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        PipeServer open = start(b ->
                b.socketFileMode(PosixFilePermissions.fromString("rw-rw-rw-")).allowedUsers(Set.of(ME)));
        assertThat(connectAsNobody(open.address().path()))
                .as("nobody, open socket, allow-list")
                .contains("error frame: user nobody (group nogroup) may not connect");
        assertThat(connect(open).request("root still served")).isEqualTo("root still served");
    }

    /** Runs a tiny client as the user nobody; returns what it printed. */
    private String connectAsNobody(Path socket) throws Exception {
        String client = """
                import socket, struct, sys
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    s.connect(sys.argv[1])
                except OSError as e:
                    print('connect failed:', e.strerror); sys.exit(0)
                try:
                    s.sendall(struct.pack('>I', 5) + b'hello')
                except OSError:
                    pass  # a refusing server may have closed already: its error frame is still there to read
                s.settimeout(20)
                head = s.recv(8)
                if len(head) == 8 and struct.unpack('>I', head[:4])[0] == 0x80000000:
                    n = struct.unpack('>I', head[4:])[0]
                    text = b''
                    while len(text) < n:
                        text += s.recv(n - len(text))
                    print('error frame:', text.decode())
                else:
                    print('answered:', head)
                """;
        Process p = new ProcessBuilder(List.of(
                        "/usr/bin/setpriv",
                        "--reuid=nobody",
                        "--regid=nogroup",
                        "--clear-groups",
                        SYSTEM_PYTHON.toString(),
                        "-c",
                        client,
                        socket.toString()))
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("the nobody client ended")
                .isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void assumeSocketFiles() {
        assumeTrue(
                TestPipes.areSocketFiles(),
                "file modes are Unix's; on Windows a pipe's security descriptor (PipeSecurityTest) takes their place");
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
