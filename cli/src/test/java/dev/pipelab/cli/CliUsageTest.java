package dev.pipelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class CliUsageTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return PipeLabCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void noSubcommandIsAUsageError() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("a subcommand is required").contains("Usage: pipelab");
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err.toString()).contains("frobnicate").contains("Usage: pipelab");
    }

    @Test
    void badOptionIsAUsageError() {
        assertThat(run("send", "--pipe", "x", "--no-such-option", "m")).isEqualTo(2);
        assertThat(err.toString()).contains("--no-such-option").contains("Usage: pipelab send");
    }

    @Test
    void serveWithoutAPipeIsAUsageError() {
        assertThat(run("serve", "--strategy", "threaded")).isEqualTo(2);
        assertThat(err.toString()).contains("--pipe is required");
    }

    @Test
    void serveWithAnUnknownStrategyNamesTheKnownOnes() {
        assertThat(run("serve", "--strategy", "nope", "--pipe", "/tmp/pipelab-never.sock"))
                .isEqualTo(1);
        assertThat(err.toString())
                .contains("unknown strategy 'nope'")
                .contains("threaded")
                .contains("virtual");
    }

    @Test
    void serveWithABadLimitNamesTheKey() {
        assertThat(run("serve", "--pipe", "/tmp/pipelab-never.sock", "--max-instances", "0"))
                .isEqualTo(1);
        assertThat(err.toString()).contains("maxInstances must be between 1 and");
    }

    @Test
    void sendToNoServerSaysSo() {
        assertThat(run("send", "--pipe", "/tmp/pipelab-nobody-here.sock", "hello"))
                .isEqualTo(1);
        assertThat(err.toString()).contains("no PipeLab server");
    }

    @Test
    void demoServesEveryEngine() {
        assertThat(run("demo", "--clients", "3")).as("stderr: %s", err).isZero();
        assertThat(out.toString())
                .containsPattern("threaded +3 +3 +0")
                .containsPattern("overlapped +3 +3 +0")
                .containsPattern("completion +3 +3 +0")
                .containsPattern("virtual +3 +3 +0");
    }

    @Test
    void anUnknownSeamIsAUsageErrorNamingTheSeamsOnTheClassPath() {
        for (String command : new String[] {"serve", "demo", "compare"}) {
            out.getBuffer().setLength(0);
            err.getBuffer().setLength(0);
            String[] args = command.equals("serve")
                    ? new String[] {"serve", "--seam", "epoll", "--pipe", "/tmp/pipelab-never.sock"}
                    : command.equals("demo")
                            ? new String[] {"demo", "--seam", "epoll"}
                            : new String[] {"compare", "--seam", "epoll", "--out", "/tmp/pipelab-never-report"};
            assertThat(run(args)).as(command).isEqualTo(2);
            assertThat(err.toString())
                    .as(command)
                    .contains("unknown seam 'epoll'; seams on the class path: ")
                    .contains("nio")
                    .contains("windows (not available: ")
                    .contains("Usage: pipelab " + command);
        }
        assertThat(java.nio.file.Path.of("/tmp/pipelab-never-report")).doesNotExist();
    }

    @Test
    void aSeamThatCannotRunHereFailsWithItsCause() {
        // The Windows seam's jar is on the class path everywhere; off Windows it says why it cannot run.
        org.junit.jupiter.api.Assumptions.assumeFalse(
                System.getProperty("os.name").startsWith("Windows"), "here the Windows seam can run");
        String cause = "seam windows: not available: this is " + System.getProperty("os.name") + ", not Windows";
        assertThat(run("serve", "--seam", "windows", "--pipe", "/tmp/pipelab-never.sock"))
                .isEqualTo(1);
        assertThat(err.toString()).startsWith("pipelab serve: " + cause).contains("seams that can run here: ");
        assertThat(run("demo", "--seam", "windows")).isEqualTo(1);
        assertThat(err.toString()).contains("pipelab demo: " + cause);
        assertThat(run("compare", "--seams", "nio,windows", "--out", "/tmp/pipelab-never-report"))
                .isEqualTo(1);
        assertThat(err.toString()).contains("pipelab compare: " + cause);
        assertThat(java.nio.file.Path.of("/tmp/pipelab-never-report")).doesNotExist();
        assertThat(out.toString()).doesNotContain("READY");
    }

    @Test
    void demoRunsOnTheSeamItIsGivenAndSaysWhich() {
        assertThat(run("demo", "--seam", "nio", "--strategy", "completion", "--clients", "2"))
                .as("stderr: %s", err)
                .isZero();
        assertThat(out.toString()).contains("; seam nio").containsPattern("completion +2 +2 +0");
    }

    @Test
    void helpExitsZero() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("serve").contains("send").contains("demo");
    }
}
