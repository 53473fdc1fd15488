package dev.pipelab.os.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipelab.api.PipeClient;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.handler.EchoHandler;
import dev.pipelab.testsuite.TestPipes;
import dev.pipelab.virtual.VirtualPipeServerFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The virtual engine on the native seam never holds a carrier while a client is quiet: many
 * more idle clients than the virtual-thread scheduler has carriers keep their server threads
 * parked in recv, and another client is still served. Were a virtual thread blocked in a
 * downcall, it would hold its carrier, and a handful of idle clients would stop the server
 * (no compensation is made for a thread in native code). JFR's jdk.VirtualThreadPinned, with no
 * threshold, must not name a PipeLab frame either.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VirtualPinningOnNativeSeamTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @BeforeEach
    void nativeSeamRunsHere() {
        NativeSeam.assumeSelected();
    }

    @Test
    void idleClientsBeyondTheCarriersHoldNoCarrier() throws Exception {
        int carriers = Integer.getInteger(
                "jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
        int idle = Math.max(32, 8 * carriers);
        List<String> pinned = new CopyOnWriteArrayList<>();
        CountDownLatch flushedAfterwards = new CountDownLatch(1);
        AtomicInteger phase = new AtomicInteger(); // 1 once the clients are done: the next flush has their events
        try (RecordingStream jfr = new RecordingStream()) {
            jfr.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            jfr.onEvent("jdk.VirtualThreadPinned", e -> {
                if (e.hasField("pinnedReason")
                        && String.valueOf(e.getString("pinnedReason")).startsWith("Waited for initialization of")) {
                    // The JVM's own: a class another thread was initializing (say, at the first
                    // String read from native memory); once per class, and no call of the seam's.
                    return;
                }
                List<RecordedFrame> frames = e.getStackTrace() == null
                        ? List.of()
                        : e.getStackTrace().getFrames();
                if (pinnedInPipeLabCode(frames)) {
                    pinned.add(e.toString());
                }
            });
            jfr.onFlush(() -> {
                if (phase.get() == 1) {
                    flushedAfterwards.countDown();
                }
            });
            jfr.startAsync();

            PipeServerConfig config = PipeServerConfig.builder(TestPipes.spec(dir, "p.sock"))
                    .maxInstances(idle + 4)
                    .gracePeriod(Duration.ofSeconds(2))
                    .build();
            PipeServer server = new VirtualPipeServerFactory()
                    .create(config, new EchoHandler())
                    .start();
            List<PipeClient> quiet = new ArrayList<>();
            try {
                for (int i = 0; i < idle; i++) {
                    PipeClient c = PipeClient.connect(server.address(), WAIT).ioTimeout(WAIT);
                    quiet.add(c);
                    assertThat(c.request("first " + i)).isEqualTo("first " + i); // its session runs
                }
                // every idle client's virtual thread is now parked in recv, waiting for its next request
                await().atMost(WAIT).until(() -> server.stats().active() == idle);
                try (PipeClient busy =
                        PipeClient.connect(server.address(), WAIT).ioTimeout(WAIT)) {
                    for (int i = 0; i < 100; i++) {
                        assertThat(busy.request("busy " + i))
                                .as("served beside %d idle clients on %d carriers: %s", idle, carriers, server)
                                .isEqualTo("busy " + i);
                    }
                }
                for (int i = 0; i < idle; i++) {
                    assertThat(quiet.get(i).request("again " + i))
                            .as("idle client %d woken", i)
                            .isEqualTo("again " + i);
                }
            } finally {
                server.close();
                for (PipeClient c : quiet) {
                    c.close();
                }
            }
            phase.set(1);
            assertThat(flushedAfterwards.await(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("a JFR flush after the clients")
                    .isTrue();
        }
        assertThat(pinned).as("virtual threads pinned in PipeLab code").isEmpty();
    }

    /**
     * True when a PipeLab frame is on the pinned stack and the pin is not the JVM loading a class
     * for it: a class loader's frame above the first PipeLab frame (the loader reading a jar
     * takes a monitor under the JVM's native resolution frame, which cannot be unmounted) is the
     * JVM's own, once per class, and no call of the seam's.
     */
    private static boolean pinnedInPipeLabCode(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) { // from the top of the stack
            String type = f.getMethod().getType().getName();
            if (type.startsWith("dev.pipelab.")) {
                return true;
            }
            if (type.startsWith("jdk.internal.loader.") || type.equals("java.lang.ClassLoader")) {
                return false;
            }
        }
        return false;
    }
}
