package dev.pipelab.report;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One workload of the report, named so that the name says all of it: {@code echo-c100-64B-pingpong},
 * {@code echo-c1000-4KiB-pipelined}, {@code answer-c100}, {@code broadcast-p10},
 * {@code counter-c100}, {@code ledger-c100}, {@code ledger-c100-per-request}, {@code churn-c10},
 * {@code idle-k1000-c10}.
 *
 * @param kind what the clients do
 * @param clients clients sending requests (players, for broadcast; concurrent connectors, for churn)
 * @param payloadBytes bytes in each request
 * @param depth requests each client keeps in flight: 1 is ping-pong, more is pipelined
 * @param idleClients clients that connect and then send nothing (the idle workload)
 */
public record Workload(Kind kind, int clients, int payloadBytes, int depth, int idleClients) {

    /** Requests in flight per client in the pipelined echo workloads. */
    public static final int PIPELINE_DEPTH = 16;

    /** What the clients of a workload do, and which built-in handler serves them. */
    public enum Kind {
        /** Each reply must be the request, byte for byte. */
        ECHO("echo"),
        /** The SDK sample's exchange: any request, the one fixed answer. */
        ANSWER("answer"),
        /** Each move goes to every other player; all see the moves in one order. */
        BROADCAST("broadcast"),
        /** Concurrent increments of the shared file; no update may be lost. */
        COUNTER("counter"),
        /** Transfers between random accounts of the SQLite ledger, group commit; each durable before its reply. */
        LEDGER("ledger"),
        /** The same transfers, with one transaction and one sync per request. */
        LEDGER_PER_REQUEST("ledger"),
        /** Connect, one echo exchange, disconnect, again and again. */
        CHURN("echo"),
        /** Many clients that only stay connected, and a few busy echo clients. */
        IDLE("echo");

        private final String handler;

        Kind(String handler) {
            this.handler = handler;
        }

        /** The built-in handler the server runs for this kind. */
        public String handler() {
            return handler;
        }

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Pattern NAME = Pattern.compile(
            "(echo|answer|broadcast|counter|ledger|churn|idle)(?:-k(\\d+))?-([cp])(\\d+)(?:-(\\d+)(B|KiB))?"
                    + "(?:-(pingpong|pipelined|per-request))?");

    public Workload {
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be >= 1, was " + clients);
        }
        if (kind == Kind.BROADCAST && clients < 2) {
            throw new IllegalArgumentException("broadcast needs at least 2 players, was " + clients);
        }
        if (kind == Kind.BROADCAST && payloadBytes < Exchange.Broadcast.HEADER_BYTES) {
            throw new IllegalArgumentException("broadcast payloadBytes must be >= " + Exchange.Broadcast.HEADER_BYTES
                    + " (sender, sequence and send time), was " + payloadBytes);
        }
        if (payloadBytes < 8) {
            throw new IllegalArgumentException(
                    "payloadBytes must be >= 8 (client id and sequence), was " + payloadBytes);
        }
    }

    /** An echo workload. */
    public static Workload echo(int clients, int payloadBytes, boolean pipelined) {
        return new Workload(Kind.ECHO, clients, payloadBytes, pipelined ? PIPELINE_DEPTH : 1, 0);
    }

    /** A workload of another kind, ping-pong with 64-byte requests. */
    public static Workload of(Kind kind, int clients) {
        return new Workload(kind, clients, 64, 1, 0);
    }

    /** {@code idle} idle clients beside {@code busy} busy echo clients. */
    public static Workload idle(int idle, int busy) {
        return new Workload(Kind.IDLE, busy, 64, 1, idle);
    }

    /** {@code players} players of the broadcast game, each with one move at a time not yet received by all. */
    public static Workload broadcast(int players) {
        return of(Kind.BROADCAST, players);
    }

    /** The workload a {@link #name()} names. */
    public static Workload parse(String name) {
        Matcher m = NAME.matcher(name.strip());
        if (!m.matches()) {
            throw unknown(name);
        }
        Kind kind = Kind.valueOf(m.group(1).toUpperCase(java.util.Locale.ROOT));
        if (m.group(3).equals("p") != (kind == Kind.BROADCAST)) {
            throw unknown(name); // players (-p) for broadcast, clients (-c) for the rest
        }
        int idle = m.group(2) != null ? Integer.parseInt(m.group(2)) : 0;
        int clients = Integer.parseInt(m.group(4));
        int payload = m.group(5) == null
                ? 64
                : Integer.parseInt(m.group(5)) * (m.group(6).equals("KiB") ? 1024 : 1);
        int depth = "pipelined".equals(m.group(7)) ? PIPELINE_DEPTH : 1;
        if ("per-request".equals(m.group(7))) {
            if (kind != Kind.LEDGER || m.group(5) != null) {
                throw unknown(name); // only the ledger commits, and its requests have no size
            }
            kind = Kind.LEDGER_PER_REQUEST;
        }
        return new Workload(kind, clients, payload, depth, idle);
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("unknown workload '" + name + "'; names look like "
                + "echo-c100-64B-pingpong, echo-c100-4KiB-pipelined, answer-c100, broadcast-p10, counter-c100,"
                + " ledger-c100, ledger-c100-per-request, churn-c10, idle-k1000-c10");
    }

    /** The name of this workload, which {@link #parse} reads back. */
    public String name() {
        return switch (kind) {
            case ECHO -> "echo-c" + clients + "-" + size(payloadBytes) + (depth > 1 ? "-pipelined" : "-pingpong");
            case IDLE -> "idle-k" + idleClients + "-c" + clients;
            case BROADCAST ->
                "broadcast-p" + clients + (payloadBytes != 64 ? "-" + size(payloadBytes) : "")
                        + (depth > 1 ? "-pipelined" : "");
            case LEDGER_PER_REQUEST -> "ledger-c" + clients + "-per-request";
            default -> kind.label() + "-c" + clients;
        };
    }

    /** The family of workloads this one belongs to, one chart line per engine: the name without the client count. */
    public String family() {
        return name().replaceFirst("-[cp]\\d+", "");
    }

    /** Connections the server holds at once. */
    public int connections() {
        return clients + idleClients;
    }

    /**
     * The connections whose memory a run measures: the idle workload measures its idle clients
     * alone, added to a server already warm with its busy ones; the others measure all.
     */
    public int connectionsMeasuredForMemory() {
        return idleClients > 0 ? idleClients : connections();
    }

    /** True when a plain echo server (the Netty reference) can serve this workload. */
    public boolean servedByEcho() {
        return kind.handler().equals("echo");
    }

    private static String size(int bytes) {
        return bytes % 1024 == 0 ? bytes / 1024 + "KiB" : bytes + "B";
    }

    /** The {@code --quick} matrix: a few minutes on 2 cores. */
    public static List<Workload> quick() {
        return List.of(
                echo(1, 64, false),
                echo(100, 64, false),
                echo(1000, 64, false),
                echo(10_000, 64, false),
                broadcast(10),
                of(Kind.LEDGER, 100),
                of(Kind.CHURN, 10),
                idle(10_000, 10));
    }

    /** The {@code --full} matrix: every workload the driver can run. */
    public static List<Workload> full() {
        List<Workload> all = new ArrayList<>();
        for (int payload : new int[] {64, 4096}) {
            for (boolean pipelined : new boolean[] {false, true}) {
                for (int clients : new int[] {1, 10, 100, 1000, 10_000}) {
                    all.add(echo(clients, payload, pipelined));
                }
            }
        }
        all.add(of(Kind.ANSWER, 100));
        all.add(broadcast(10));
        all.add(of(Kind.COUNTER, 100));
        all.add(of(Kind.LEDGER, 100));
        all.add(of(Kind.LEDGER_PER_REQUEST, 100));
        all.add(of(Kind.CHURN, 10));
        all.add(idle(10_000, 10));
        return all;
    }
}
