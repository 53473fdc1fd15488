package dev.pipelab.os.unix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelab.api.PipeAddress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Names map to socket paths as the wire protocol says; paths stay themselves. */
class UnixAddressesTest {

    private static final Path TMP = Path.of("/tmp");

    @Test
    void mapsANameIntoTheRuntimeDirectory() {
        PipeAddress a = UnixAddresses.resolve("pipelab:demo", Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), TMP, "ann");
        assertThat(a.value()).isEqualTo("/run/user/1000/pipelab/demo.sock");
        assertThat(a.kind()).isEqualTo(PipeAddress.Kind.UNIX_SOCKET);
        assertThat(a.named()).isTrue();
    }

    @Test
    void fallsBackToAPerUserTempDirectoryWithoutAnAbsoluteRuntimeDirectory() {
        assertThat(UnixAddresses.resolve("demo", Map.of(), TMP, "ann").value()).isEqualTo("/tmp/pipelab-ann/demo.sock");
        assertThat(UnixAddresses.resolve("demo", Map.of("XDG_RUNTIME_DIR", "relative"), TMP, "ann")
                        .value())
                .isEqualTo("/tmp/pipelab-ann/demo.sock");
    }

    @Test
    void usesAnAbsolutePathAsIs() {
        PipeAddress a = UnixAddresses.resolve("/var/run/x.sock", Map.of(), TMP, "ann");
        assertThat(a.value()).isEqualTo("/var/run/x.sock");
        assertThat(a.named()).isFalse();
    }

    @Test
    void refusesEmptyAndEscapingNames() {
        assertThatThrownBy(() -> UnixAddresses.resolve("", Map.of(), TMP, "ann"))
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> UnixAddresses.resolve("pipelab:../x", Map.of(), TMP, "ann"))
                .hasMessageContaining("must be non-empty and contain no '/'");
        assertThatThrownBy(() -> UnixAddresses.resolve("pipelab:..", Map.of(), TMP, "ann"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theApiResolvesThroughThisSeam() {
        assertThat(PipeAddress.resolve("/var/run/y.sock").kind()).isEqualTo(PipeAddress.Kind.UNIX_SOCKET);
    }
}
