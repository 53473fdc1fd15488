package dev.pipelab.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaCommandTest {

    @TempDir
    Path dir;

    @Test
    void asksForHugePagesOnlyWhereTheKernelGivesThemOnRequest() throws IOException {
        assertThat(JavaCommand.hugePagesOnRequest(mode("always [madvise] never")))
                .isTrue();
        assertThat(JavaCommand.hugePagesOnRequest(mode("[always] madvise never")))
                .as("always: the JVM has them without asking")
                .isFalse();
        assertThat(JavaCommand.hugePagesOnRequest(mode("always madvise [never]")))
                .as("never: the flag would only warn")
                .isFalse();
        assertThat(JavaCommand.hugePagesOnRequest(dir.resolve("absent")))
                .as("no such file: not Linux")
                .isFalse();
    }

    @Test
    void everyChildJvmGetsTheFlagsAndThisClassPath() {
        assertThat(JavaCommand.of())
                .contains("--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"));
        boolean hugePages = JavaCommand.hugePagesOnRequest(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
        assertThat(JavaCommand.of().contains(JavaCommand.HUGE_PAGES)).isEqualTo(hugePages);
    }

    private Path mode(String line) throws IOException {
        return Files.writeString(dir.resolve("enabled"), line + "\n");
    }
}
