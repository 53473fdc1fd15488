package dev.pipelab.os.windows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelab.api.PipeClient;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.ContractSupport;
import dev.pipelab.virtual.VirtualPipeServerFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The virtual engine on the Windows seam parks its virtual threads on overlapped completions, so
 * clients that connect and say nothing, more of them than there are carrier threads, do not stop
 * the others; the {@link PinningGuard} fails the run if any call would have pinned a carrier.
 */
class VirtualEngineOnWindowsTest extends ContractSupport {

    @Override
    protected PipeServerFactory factory() {
        return new VirtualPipeServerFactory();
    }

    @Test
    void moreIdleClientsThanCarrierThreadsDoNotStopTheOthers() throws IOException {
        int carriers = Integer.getInteger(
                "jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
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

    private static org.awaitility.core.ConditionFactory await() {
        return org.awaitility.Awaitility.await();
    }
}
