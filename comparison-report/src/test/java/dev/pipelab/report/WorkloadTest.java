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
    void anUnknownNameIsRefusedWithExamples() {
        assertThatThrownBy(() -> Workload.parse("echo-lots")).hasMessageContaining("echo-c100-64B-pingpong");
    }
}
