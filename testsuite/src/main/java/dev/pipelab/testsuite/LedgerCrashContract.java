package dev.pipelab.testsuite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeClient;
import dev.pipelab.ledger.LedgerHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The ledger survives {@code kill -9}: the server runs in a process of its own ({@link
 * StandaloneServer} with the ledger handler), clients transfer between accounts, and the server
 * is killed with SIGKILL at a random moment (after a random number of acknowledged transfers),
 * {@value #KILLS} times in a row, each time restarted on the same file. After every restart,
 * every transfer ever acknowledged is there with its exact fields, the total is the sum of the
 * opened amounts, and {@code count} is at least the number acknowledged (a transfer committed
 * but killed before its reply is there too, unacknowledged). The seed and the kill points are
 * printed; {@code -Dpipelab.crash.seed=N} replays them.
 */
public abstract class LedgerCrashContract extends ContractSupport {

    static final int KILLS = 3;
    private static final int CLIENTS = 4;
    private static final int ACCOUNTS = 6;
    private static final long OPENED = 1_000_000;

    private final Map<Long, String> acknowledged = new ConcurrentHashMap<>();

    @Test
    void everyAcknowledgedTransferSurvivesSigkillAndTheTotalIsConserved() throws Exception {
        long seed = Long.getLong("pipelab.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.printf(
                "ledger crash test on %s: seed %d (replay: -Dpipelab.crash.seed=%d)%n",
                factory().key(), seed, seed);
        Path file = dir.resolve("ledger.db");
        Path socket = dir.resolve("l.sock");
        for (int round = 0; round <= KILLS; round++) {
            Process server = startServer(socket, file);
            try {
                PipeAddress address = PipeAddress.resolve(socket.toString());
                if (round == 0) {
                    openAccounts(address);
                } else {
                    verify(address, round);
                }
                if (round == KILLS) {
                    server.getOutputStream().close(); // the last one stops gracefully
                    assertThat(server.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
                            .as("the server stopped")
                            .isTrue();
                    assertThat(server.exitValue()).as(stderr()).isZero();
                    break;
                }
                int killAfter = 20 + random.nextInt(400);
                long before = acknowledged.size();
                long started = System.nanoTime();
                transferUntilKilled(address, server, killAfter, random.nextLong());
                System.out.printf(
                        "%s round %d: SIGKILL %d ms after the clients started, at %d acknowledged transfers of the"
                                + " round (%d acknowledged in all)%n",
                        factory().key(),
                        round + 1,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                        acknowledged.size() - before,
                        acknowledged.size());
            } finally {
                server.destroyForcibly();
                server.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        }
        System.out.printf(
                "%s: %d kills, %d acknowledged transfers, all verified after each restart%n",
                factory().key(), KILLS, acknowledged.size());
    }

    private Process startServer(Path socket, Path file) throws IOException {
        Path out = dir.resolve("server.out");
        Files.deleteIfExists(out);
        Process server = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElseThrow(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-Dguice_bytecode_gen_option=DISABLED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        StandaloneServer.class.getName(),
                        factory().getClass().getName(),
                        socket.toString(),
                        LedgerHandler.NAME,
                        file.toString())
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("server.err").toFile()))
                .start();
        await().atMost(WAIT)
                .until(() -> !server.isAlive() || Files.readString(out).startsWith("READY"));
        assertThat(server.isAlive()).as("the server started: %s", stderr()).isTrue();
        return server;
    }

    private String stderr() throws IOException {
        Path err = dir.resolve("server.err");
        return Files.exists(err) ? Files.readString(err) : "";
    }

    private static String account(int i) {
        return "acct" + i;
    }

    private static void openAccounts(PipeAddress address) throws IOException {
        try (PipeClient c = PipeClient.connect(address, WAIT).ioTimeout(WAIT)) {
            for (int i = 0; i < ACCOUNTS; i++) {
                assertThat(c.request("open " + account(i) + " " + OPENED)).isEqualTo("ok");
            }
        }
    }

    /**
     * {@value #CLIENTS} clients transfer until the server dies, which it does by SIGKILL once
     * {@code killAfter} transfers of this round were acknowledged. A client whose connection
     * breaks stops: its last transfer may or may not have been committed.
     */
    private void transferUntilKilled(PipeAddress address, Process server, int killAfter, long seed) throws Exception {
        CountDownLatch enough = new CountDownLatch(killAfter);
        List<Future<?>> clients = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < CLIENTS; c++) {
                Random random = new Random(seed + c);
                clients.add(pool.submit(() -> {
                    try (PipeClient client = PipeClient.connect(address, WAIT).ioTimeout(WAIT)) {
                        while (true) {
                            int from = random.nextInt(ACCOUNTS);
                            int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                            String fields = account(from) + " " + account(to) + " " + (1 + random.nextInt(1000));
                            String reply = client.request("transfer " + fields);
                            if (reply == null) {
                                return null; // the server is gone
                            }
                            if (reply.equals("error: insufficient funds")) {
                                continue; // possible in principle, though amounts are small against the balances
                            }
                            assertThat(reply).startsWith("ok ");
                            long id = Long.parseLong(reply.substring(3));
                            assertThat(acknowledged.putIfAbsent(id, fields))
                                    .as("transfer id %d acknowledged twice", id)
                                    .isNull();
                            enough.countDown();
                        }
                    } catch (IOException e) {
                        return null; // reset by the kill, or the connect came too late: the server is gone
                    }
                }));
            }
            assertThat(enough.await(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("%d transfers acknowledged before the kill", killAfter)
                    .isTrue();
            server.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no checkpoint
            assertThat(server.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("killed")
                    .isTrue();
            for (Future<?> f : clients) {
                f.get(WAIT.toSeconds(), TimeUnit.SECONDS); // an assertion failed in a client fails here
            }
        }
    }

    /** Everything acknowledged so far is there, the money is all there, and nothing acknowledged is missing. */
    private void verify(PipeAddress address, int restart) throws IOException {
        try (PipeClient c = PipeClient.connect(address, WAIT).ioTimeout(WAIT)) {
            for (Map.Entry<Long, String> t : acknowledged.entrySet()) {
                assertThat(c.request("show " + t.getKey()))
                        .as("acknowledged transfer %d after restart %d", t.getKey(), restart)
                        .isEqualTo(t.getValue());
            }
            assertThat(c.request("total"))
                    .as("the total after restart %d", restart)
                    .isEqualTo(Long.toString(ACCOUNTS * OPENED));
            long count = Long.parseLong(c.request("count"));
            assertThat(count)
                    .as("committed transfers after restart %d", restart)
                    .isGreaterThanOrEqualTo(acknowledged.size());
            System.out.printf(
                    "%s restart %d: %d acknowledged transfers shown with their fields, total %d, count %d%n",
                    factory().key(), restart, acknowledged.size(), ACCOUNTS * OPENED, count);
        }
    }
}
