package dev.pipelab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipeAddressTest {

    private static final Path TMP = Path.of("/tmp");

    @Test
    void mapsANameIntoTheRuntimeDirectory() {
        PipeAddress a = PipeAddress.resolve("pipelab:demo", false, Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), TMP, "ann");
        assertThat(a.value()).isEqualTo("/run/user/1000/pipelab/demo.sock");
        assertThat(a.kind()).isEqualTo(PipeAddress.Kind.UNIX_SOCKET);
        assertThat(a.named()).isTrue();
    }

    @Test
    void fallsBackToAPerUserTempDirectory() {
        assertThat(PipeAddress.resolve("demo", false, Map.of(), TMP, "ann").value()).isEqualTo("/tmp/pipelab-ann/demo.sock");
    }

    @Test
    void usesAnAbsolutePathAsIs() {
        PipeAddress a = PipeAddress.resolve("/var/run/x.sock", false, Map.of(), TMP, "ann");
        assertThat(a.value()).isEqualTo("/var/run/x.sock");
        assertThat(a.named()).isFalse();
    }

    @Test
    void mapsANameToAWindowsPipe() {
        assertThat(PipeAddress.resolve("pipelab:demo", true, Map.of(), TMP, "ann").value())
                .isEqualTo("\\\\.\\pipe\\pipelab-demo");
        assertThat(PipeAddress.resolve("\\\\.\\pipe\\other", true, Map.of(), TMP, "ann").kind())
                .isEqualTo(PipeAddress.Kind.WINDOWS_PIPE);
    }

    @Test
    void refusesEmptyAndEscapingNames() {
        assertThatThrownBy(() -> PipeAddress.resolve("", false, Map.of(), TMP, "ann")).hasMessageContaining("empty");
        assertThatThrownBy(() -> PipeAddress.resolve("pipelab:../x", false, Map.of(), TMP, "ann"))
                .hasMessageContaining("must be non-empty and contain no '/'");
        assertThatThrownBy(() -> PipeAddress.resolve("pipelab:..", false, Map.of(), TMP, "ann"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
