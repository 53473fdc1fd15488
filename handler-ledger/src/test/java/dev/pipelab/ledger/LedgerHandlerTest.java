package dev.pipelab.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelab.api.HandlerConcurrency;
import dev.pipelab.api.PeerIdentity;
import dev.pipelab.api.Session;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(60)
class LedgerHandlerTest {

    @TempDir
    Path dir;

    /** A session that keeps what it was sent. */
    static final class RecordingSession implements Session {
        final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

        @Override
        public long id() {
            return 1;
        }

        @Override
        public PeerIdentity peer() {
            return PeerIdentity.UNKNOWN;
        }

        @Override
        public boolean send(byte[] message) {
            return replies.add(new String(message, StandardCharsets.UTF_8));
        }

        @Override
        public void close() {}

        @Override
        public boolean isOpen() {
            return true;
        }

        String next() throws InterruptedException {
            String reply = replies.poll(10, TimeUnit.SECONDS);
            assertThat(reply).as("a reply within 10 s").isNotNull();
            return reply;
        }
    }

    private static List<String> run(LedgerHandler ledger, String... requests) throws Exception {
        RecordingSession session = new RecordingSession();
        for (String r : requests) {
            ledger.onMessage(session, r.getBytes(StandardCharsets.UTF_8));
        }
        List<String> replies = new ArrayList<>();
        for (int i = 0; i < requests.length; i++) {
            replies.add(session.next());
        }
        return replies;
    }

    @ParameterizedTest
    @EnumSource(HandlerConcurrency.class)
    void answersEachRequestInOrderAndKeepsTheLedgerAcrossARestart(HandlerConcurrency concurrency) throws Exception {
        Path file = dir.resolve("l.db");
        try (LedgerHandler ledger = new LedgerHandler(concurrency, file, LedgerHandler.Commit.GROUP)) {
            assertThat(run(
                            ledger,
                            "open alice 100",
                            "open bob 5",
                            "open alice 1",
                            "transfer alice bob 30",
                            "transfer bob alice 36",
                            "transfer bob bob 1",
                            "transfer bob carol 1",
                            "transfer carol bob 1",
                            "transfer bob alice 35",
                            "balance alice",
                            "balance bob",
                            "balance carol",
                            "show 2",
                            "show 3",
                            "total",
                            "count",
                            "withdraw alice 1"))
                    .containsExactly(
                            "ok",
                            "ok",
                            "error: account alice exists",
                            "ok 1",
                            "error: insufficient funds",
                            "error: same account",
                            "error: no account carol",
                            "error: no account carol",
                            "ok 2",
                            "105",
                            "0",
                            "error: no account carol",
                            "bob alice 35",
                            "error: no transfer 3",
                            "105",
                            "2",
                            "error: unknown verb 'withdraw'; the verbs are open, transfer, balance, show, total,"
                                    + " count, syncs");
        }
        try (LedgerHandler reopened = new LedgerHandler(concurrency, file, LedgerHandler.Commit.PER_REQUEST)) {
            assertThat(run(reopened, "show 1", "balance alice", "transfer alice bob 5", "count"))
                    .containsExactly("alice bob 30", "105", "ok 3", "3");
        }
    }

    @Test
    void perRequestSyncsOncePerChangeAndReadsDoNotSync() throws Exception {
        try (LedgerHandler ledger = new LedgerHandler(
                HandlerConcurrency.ONE_AT_A_TIME, dir.resolve("l.db"), LedgerHandler.Commit.PER_REQUEST)) {
            assertThat(run(ledger, "open a 10", "open b 0", "transfer a b 1", "transfer a b 20", "balance a", "syncs"))
                    .containsExactly("ok", "ok", "ok 1", "error: insufficient funds", "9", "3");
            assertThat(ledger.syncs()).isEqualTo(3);
        }
    }

    @Test
    void groupCommitSharesOneSyncAmongWhatQueuedTogether() throws Exception {
        try (LedgerHandler ledger =
                new LedgerHandler(HandlerConcurrency.ONE_AT_A_TIME, dir.resolve("l.db"), LedgerHandler.Commit.GROUP)) {
            String[] requests = new String[201];
            requests[0] = "open a 1000";
            for (int i = 1; i <= 200; i++) {
                requests[i] = i == 1 ? "open b 0" : "transfer a b 1";
            }
            List<String> replies = run(ledger, requests);
            assertThat(replies.get(200)).isEqualTo("ok 199");
            assertThat(ledger.syncs())
                    .as("201 changes queued at once need fewer syncs than changes")
                    .isBetween(1L, 200L);
        }
    }

    @Test
    void aClosedLedgerRefusesRequestsAndLeavesNoThread() throws Exception {
        LedgerHandler ledger =
                new LedgerHandler(HandlerConcurrency.CONCURRENT, dir.resolve("l.db"), LedgerHandler.Commit.GROUP);
        ledger.close();
        ledger.close();
        assertThatThrownBy(() -> ledger.onMessage(new RecordingSession(), "total".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("the ledger is closed");
        assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName))
                .doesNotContain("pipelab-ledger-writer");
    }

    @Test
    void aFileThatIsNoLedgerIsRefusedAtStart() throws Exception {
        Path notADatabase = java.nio.file.Files.writeString(dir.resolve("x.db"), "this is not a database file at all");
        assertThatThrownBy(() ->
                        new LedgerHandler(HandlerConcurrency.CONCURRENT, notADatabase, LedgerHandler.Commit.GROUP))
                .isInstanceOf(java.sql.SQLException.class)
                .hasMessageStartingWith("cannot open " + notADatabase + " as a ledger: ");
    }

    @Test
    void theCommitPolicyIsNamedByItsKey() {
        assertThat(LedgerHandler.Commit.of("per-request")).isEqualTo(LedgerHandler.Commit.PER_REQUEST);
        assertThat(LedgerHandler.Commit.of("group")).isEqualTo(LedgerHandler.Commit.GROUP);
        assertThatThrownBy(() -> LedgerHandler.Commit.of("sometimes"))
                .hasMessage("unknown ledger commit policy 'sometimes'; known: per-request, group");
    }
}
