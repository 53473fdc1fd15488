package dev.pipelab.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.Session;
import dev.pipelab.virtual.VirtualPipeServerFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger workload's checks: each reply as it comes, and after the run, questioned on a side
 * connection, every acknowledged transfer, the total and the count. Here the server is a stub
 * whose answers each test sets, so that a lie is known.
 */
class LedgerExchangeTest {

    @TempDir
    Path dir;

    /** The stub ledger: {@code open} is ok; every other request gets the answer set for it, or "?". */
    private final Map<String, String> answers = new ConcurrentHashMap<>();

    private final PipeHandler stub = (Session session, byte[] message) -> {
        String request = new String(message, StandardCharsets.UTF_8);
        session.send((request.startsWith("open ") ? "ok" : answers.getOrDefault(request, "?"))
                .getBytes(StandardCharsets.UTF_8));
    };

    @Test
    void aTruthfulLedgerPassesTheEndOfRunCheck() throws IOException {
        try (PipeServer server = start()) {
            Exchange.Ledger ledger = new Exchange.Ledger(2, server.address());
            try {
                ledger.prepare();
                String fields = transfer(ledger, 0, 0);
                assertThat(ledger.check(0, 0, "ok 7".getBytes(StandardCharsets.US_ASCII)))
                        .isNull();
                answers.put("show 7", fields);
                answers.put("total", Long.toString(2 * Exchange.Ledger.OPENED));
                answers.put("count", "1");
                assertThat(ledger.finish()).isNull();
                assertThat(ledger.verdict()).startsWith("1 transfers acknowledged");
            } finally {
                ledger.close();
            }
        }
    }

    @Test
    void aLostTransferMadeMoneyAndALowCountAreEachNamed() throws IOException {
        try (PipeServer server = start()) {
            Exchange.Ledger ledger = new Exchange.Ledger(2, server.address());
            try {
                ledger.prepare();
                transfer(ledger, 0, 0);
                assertThat(ledger.check(0, 0, "ok 7".getBytes(StandardCharsets.US_ASCII)))
                        .isNull();
                answers.put("show 7", "error: no transfer 7");
                answers.put("total", Long.toString(2 * Exchange.Ledger.OPENED + 1));
                answers.put("count", "0");
                assertThat(ledger.finish())
                        .startsWith("3 violations: ")
                        .contains("show 7 gave 'error: no transfer 7'")
                        .contains("money was made or lost")
                        .contains("count is 0, below the 1 transfers acknowledged");
            } finally {
                ledger.close();
            }
        }
    }

    @Test
    void repliesMustBeOkWithNewIdsRisingPerClient() throws IOException {
        Exchange.Ledger ledger = new Exchange.Ledger(2, null); // checks only: no server asked
        transfer(ledger, 0, 0);
        transfer(ledger, 0, 1);
        transfer(ledger, 1, 0);
        transfer(ledger, 1, 1);
        assertThat(ledger.check(0, 0, bytes("ok 5"))).isNull();
        assertThat(ledger.check(0, 1, bytes("ok 5"))).contains("got id 5, not above the client's last 5");
        assertThat(ledger.check(1, 0, bytes("ok 5"))).contains("id 5 acknowledged twice");
        assertThat(ledger.check(1, 1, bytes("error: insufficient funds"))).contains("got 'error: insufficient funds'");
    }

    /** Writes request {@code seq} of {@code client} and returns its fields, "FROM TO AMOUNT". */
    private static String transfer(Exchange.Ledger ledger, int client, long seq) {
        ByteBuffer frame = ByteBuffer.allocate(ledger.requestFrameBytes() + 16);
        ledger.writeRequest(client, seq, frame);
        frame.flip();
        byte[] request = new byte[frame.getInt()];
        frame.get(request);
        return new String(request, StandardCharsets.US_ASCII).substring("transfer ".length());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private PipeServer start() throws IOException {
        return new VirtualPipeServerFactory()
                .create(
                        PipeServerConfig.builder(dir.resolve("l.sock").toString())
                                .build(),
                        stub)
                .start();
    }
}
