package dev.pipelab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    @Test
    void everyWorkloadOfBothMatricesReadsBackFromItsName() {
        Stream.concat(Workload.quick().stream(), Workload.full().stream())
                .forEach(w -> assertThat(Workload.parse(w.name())).as(w.name()).isEqualTo(w));
    }

    @Test
    void namesSayWhatRuns() {
        assertThat(Workload.echo(100, 4096, true).name()).isEqualTo("echo-c100-4KiB-pipelined");
        assertThat(Workload.idle(1000, 10).name()).isEqualTo("idle-k1000-c10");
        assertThat(Workload.parse("idle-k1000-c10").connections()).isEqualTo(1010);
        assertThat(Workload.parse("echo-c10-64B-pingpong").family()).isEqualTo("echo-64B-pingpong");
    }

    @Test
    void theLedgerRunsWithGroupCommitOrWithASyncPerRequest() {
        Workload group = Workload.parse("ledger-c100");
        Workload perRequest = Workload.parse("ledger-c100-per-request");
        assertThat(group.kind()).isEqualTo(Workload.Kind.LEDGER);
        assertThat(perRequest.kind()).isEqualTo(Workload.Kind.LEDGER_PER_REQUEST);
        assertThat(perRequest.name()).isEqualTo("ledger-c100-per-request");
        assertThat(perRequest.family()).isEqualTo("ledger-per-request");
        assertThat(perRequest.kind().handler()).isEqualTo("ledger");
        assertThat(group.servedByEcho()).isFalse();
        assertThat(Workload.quick()).contains(group);
        assertThat(Workload.full()).contains(group, perRequest);
        assertThatThrownBy(() -> Workload.parse("echo-c10-per-request")).hasMessageContaining("unknown workload");
    }

    @Test
    void broadcastCountsPlayers() {
        Workload game = Workload.parse("broadcast-p10");
        assertThat(game).isEqualTo(Workload.broadcast(10));
        assertThat(game.clients()).isEqualTo(10);
        assertThat(game.depth()).isEqualTo(1);
        assertThat(game.family()).isEqualTo("broadcast");
        assertThat(game.servedByEcho()).isFalse();
        assertThat(Workload.parse("broadcast-p4-pipelined").name()).isEqualTo("broadcast-p4-pipelined");
        assertThat(Workload.parse("broadcast-p4-1KiB").name()).isEqualTo("broadcast-p4-1KiB");
        assertThat(Workload.quick()).contains(game);
        assertThat(Workload.full()).contains(game);
    }

    @Test
    void broadcastNeedsTwoPlayersAndRoomForTheMoveHeader() {
        assertThatThrownBy(() -> Workload.parse("broadcast-p1")).hasMessageContaining("at least 2 players");
        assertThatThrownBy(() -> Workload.parse("broadcast-p10-8B")).hasMessageContaining("payloadBytes must be >= 20");
    }

    @Test
    void playersAreCountedOnlyForBroadcastAndClientsForTheRest() {
        assertThatThrownBy(() -> Workload.parse("broadcast-c10")).hasMessageContaining("broadcast-p10");
        assertThatThrownBy(() -> Workload.parse("echo-p10")).hasMessageContaining("unknown workload");
    }

    @Test
    void anUnknownNameIsRefusedWithExamples() {
        assertThatThrownBy(() -> Workload.parse("echo-lots")).hasMessageContaining("echo-c100-64B-pingpong");
    }
}
