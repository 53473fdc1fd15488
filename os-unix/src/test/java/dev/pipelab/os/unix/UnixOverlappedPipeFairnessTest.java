package dev.pipelab.os.unix;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.protocol.Frames;
import dev.pipelab.spi.os.OverlappedInstance;
import dev.pipelab.spi.os.OverlappedPipe;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real overlapped seam on Unix scans for a signalled event from the index the caller names,
 * wrapping, as {@link OverlappedPipe#waitForAny} promises: with several real clients whose
 * requests are all waiting, waits that each start after the instance served last cycle through
 * every ready instance, where WaitForMultipleObjects' lowest-index rule would serve the first
 * one over and over. And a wait performs the ready reads one at a time, returning as soon as
 * one finishes, so that the engine serves each instance right after its read.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UnixOverlappedPipeFairnessTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int INSTANCES = 4;
    private static final int REQUESTS = 8; // more than the test reads, so every read finishes at once

    @TempDir
    Path dir;

    private OverlappedPipe pipe;
    private final List<OverlappedInstance> instances = new ArrayList<>();
    private final List<SocketChannel> clients = new ArrayList<>();

    @Test
    void waitsStartingAfterTheInstanceServedLastCycleThroughEveryReadyInstance() throws IOException {
        PipeServerConfig config =
                PipeServerConfig.builder(dir.resolve("fair.sock").toString()).build();
        pipe = UnixPipeSystem.INSTANCE.createOverlappedPipe(config);
        for (int i = 0; i < INSTANCES; i++) {
            OverlappedInstance instance = pipe.createInstance();
            instances.add(instance);
            assertThat(instance.connect())
                    .as("no client yet: the connect is pending")
                    .isFalse();
        }
        for (int c = 0; c < INSTANCES; c++) {
            SocketChannel client = SocketChannel.open(
                    UnixDomainSocketAddress.of(config.address().path()));
            clients.add(client);
            for (int r = 0; r < REQUESTS; r++) {
                ByteBuffer frame = Frames.encode(("client " + c + " request " + r).getBytes(UTF_8));
                while (frame.hasRemaining()) {
                    client.write(frame);
                }
            }
        }
        everyInstanceConnectedWithAReadFinished();

        List<Integer> served = new ArrayList<>();
        int first = 0;
        for (int k = 0; k < 3 * INSTANCES; k++) {
            int i = pipe.waitForAny(instances, first, WAIT);
            assertThat(i).as("served so far: %s", served).isBetween(0, INSTANCES - 1);
            served.add(i);
            OverlappedInstance instance = instances.get(i);
            assertThat(instance.getOverlappedResult()).isTrue();
            assertThat(instance.takeMessage()).isNotNull();
            assertThat(instance.read())
                    .as("the next request is already here: the read finishes at once")
                    .isTrue();
            first = i + 1; // as the engine does: the next scan starts after the instance just served
        }
        assertThat(served).containsExactly(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3);

        // With every event still set, the scan reports the lowest signalled index at or after
        // first, wrapping past the last instance: asked to start at 0 every time, as Windows
        // always does, it would report 0 for ever.
        assertThat(pipe.waitForAny(instances, 0, WAIT)).isEqualTo(0);
        assertThat(pipe.waitForAny(instances, 0, WAIT)).isEqualTo(0);
        assertThat(pipe.waitForAny(instances, 2, WAIT)).isEqualTo(2);
        assertThat(pipe.waitForAny(instances, INSTANCES, WAIT)).isEqualTo(0);
    }

    @Test
    void aWaitPerformsTheReadyReadsOneAtATimeSoEachInstanceIsServedWhileItsSocketIsWarm() throws IOException {
        PipeServerConfig config =
                PipeServerConfig.builder(dir.resolve("one.sock").toString()).build();
        pipe = UnixPipeSystem.INSTANCE.createOverlappedPipe(config);
        for (int i = 0; i < 2; i++) {
            instances.add(pipe.createInstance());
            assertThat(instances.get(i).connect()).isFalse();
            clients.add(SocketChannel.open(
                    UnixDomainSocketAddress.of(config.address().path())));
        }
        Set<Integer> connected = new HashSet<>();
        while (connected.size() < 2) {
            int i = pipe.waitForAny(instances, 0, WAIT);
            assertThat(i).as("a connect finished").isBetween(0, 1);
            assertThat(instances.get(i).getOverlappedResult()).isTrue();
            connected.add(i);
            assertThat(instances.get(i).read())
                    .as("nothing sent yet: the read is pending")
                    .isFalse();
        }
        for (SocketChannel client : clients) {
            ByteBuffer frame = Frames.encode("ready".getBytes(UTF_8));
            while (frame.hasRemaining()) {
                client.write(frame);
            }
        }

        int first = pipe.waitForAny(instances, 0, WAIT);
        assertThat(first).isBetween(0, 1);
        OverlappedInstance other = instances.get(1 - first);
        assertThat(other.event().isSet())
                .as("the other read waits for the next wait, though its bytes are here")
                .isFalse();
        assertThat(pipe.waitForAny(instances, first + 1, WAIT)).isEqualTo(1 - first);
        assertThat(other.getOverlappedResult()).isTrue();
        assertThat(new String(other.takeMessage(), UTF_8)).isEqualTo("ready");
    }

    /**
     * Finishes every pending connect and starts a read on each instance, then waits until each
     * read has finished, so that every instance's event is set at once. Each wait starts after
     * the last reported instance, or a finished read would hide the connects behind it.
     */
    private void everyInstanceConnectedWithAReadFinished() throws IOException {
        Set<Integer> connected = new HashSet<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        int first = 0;
        while (connected.size() < INSTANCES
                || !instances.stream().allMatch(i -> i.event().isSet())) {
            assertThat(System.nanoTime() - deadline)
                    .as("every instance connected and read: %s", instances)
                    .isNegative();
            int i = pipe.waitForAny(instances, first, WAIT);
            assertThat(i).as("a wait timed out: %s", instances).isBetween(0, INSTANCES - 1);
            if (connected.add(i)) {
                assertThat(instances.get(i).getOverlappedResult())
                        .as("the connect of %d", i)
                        .isTrue();
                instances.get(i).read();
            }
            first = i + 1;
        }
    }

    @AfterEach
    void closeEverything() throws IOException {
        for (SocketChannel client : clients) {
            client.close();
        }
        instances.forEach(OverlappedInstance::close);
        if (pipe != null) {
            pipe.close();
        }
    }
}
