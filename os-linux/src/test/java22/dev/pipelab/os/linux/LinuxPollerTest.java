package dev.pipelab.os.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelab.api.PeerIdentity;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The poller's threads: a platform master and virtual sub-pollers, all ended with the last socket. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LinuxPollerTest {

    @TempDir
    Path dir;

    @Test
    void theSubPollersAreVirtualThreadsAndEndWithTheLastSocket() throws Exception {
        LinuxSocket socket =
                LinuxSocket.over(LinuxListenSocket.listen(dir.resolve("p.sock"), 8), LinuxSocket.LISTENING, PeerIdentity.UNKNOWN);
        List<Thread> threads = socket.poller().threads();
        int processors = Runtime.getRuntime().availableProcessors();
        int expectedSubs = Math.min(Integer.highestOneBit(processors), 32);

        assertThat(threads).hasSize(1 + expectedSubs).allMatch(Thread::isAlive);
        assertThat(threads.get(0).isVirtual()).as("the master waits in epoll_wait: a platform thread").isFalse();
        assertThat(threads.get(0).isDaemon()).isTrue();
        assertThat(threads.subList(1, threads.size())).allMatch(Thread::isVirtual);
        assertThat(threads).allMatch(t -> t.getName().startsWith("pipelab-native-"));

        socket.close(); // the last socket: its release joins the master, which joined the sub-pollers

        assertThat(threads).noneMatch(Thread::isAlive);
    }
}
