package dev.pipelab.os.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipelab.api.PipeClient;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.ContractSupport;
import dev.pipelab.testsuite.EngineSuites;
import dev.pipelab.virtual.VirtualPipeServerFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The virtual engine's suites, unchanged, through the Windows seam: on the stand-in kernel32
 * (Linux, and wherever {@code pipelab.seam} is {@code windows-stand-in}), or on kernel32 itself
 * (on Windows, where the build sets {@code pipelab.seam} to {@code windows}).
 */
class VirtualOnWindowsTest extends EngineSuites {

    @Override
    protected PipeServerFactory factory() {
        return new VirtualPipeServerFactory();
    }

    @Nested
    class Contract extends ContractSuite {}

    @Nested
    class HostileClients extends HostileClientsSuite {}

    @Nested
    class Access extends AccessSuite {}

    /**
     * The virtual engine on the Windows seam parks its virtual threads on overlapped completions,
     * so clients that connect and say nothing, more of them than there are carrier threads, do
     * not stop the others; on the stand-in the {@link PinningGuard} fails the run if any call
     * would have pinned a carrier.
     */
    @Nested
    class Carriers extends ContractSupport {
        @Override
        protected PipeServerFactory factory() {
            return new VirtualPipeServerFactory();
        }

        @Test
        void moreIdleClientsThanCarrierThreadsDoNotStopTheOthers() throws IOException {
            int carriers = Integer.getInteger(
                    "jdk.virtualThreadScheduler.parallelism",
                    Runtime.getRuntime().availableProcessors());
            PipeServer server = start();
            List<PipeClient> idle = new ArrayList<>();
            for (int i = 0; i < 4 * carriers; i++) {
                PipeClient c = connect(server);
                idle.add(c);
            }
            await().atMost(WAIT).until(() -> server.stats().accepted() >= idle.size());

            PipeClient active = connect(server);
            for (int i = 0; i < 100; i++) {
                assertThat(active.request("m" + i)).isEqualTo("m" + i);
            }
            for (PipeClient c : idle) {
                assertThat(c.request("late"))
                        .as("an idle client, served once it speaks")
                        .isEqualTo("late");
            }
        }
    }
}
