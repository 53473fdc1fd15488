package dev.pipelab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PipeServerConfigTest {

    @Test
    void hasSaneDefaults() {
        PipeServerConfig c = PipeServerConfig.builder("/tmp/x.sock").build();
        assertThat(c.maxInstances()).isEqualTo(255);
        assertThat(c.maxMessageBytes()).isEqualTo(1 << 20);
        assertThat(c.outboundQueueBytes()).isEqualTo(4L << 20);
        assertThat(c.idleTimeout()).isZero();
        assertThat(c.gracePeriod()).isEqualTo(Duration.ofSeconds(5));
        assertThat(PosixFilePermissions.toString(c.socketFileMode())).isEqualTo("rw-------");
    }

    @Test
    void theDefaultQueueBoundHoldsTwoOfTheLargestFrames() {
        PipeServerConfig c = PipeServerConfig.builder("/tmp/x.sock")
                .maxMessageBytes(10 << 20)
                .build();
        assertThat(c.outboundQueueBytes()).isEqualTo(2 * ((10L << 20) + 4));
    }

    @Test
    void aConfigurationRebuiltWithALargerMaximumDerivesItsQueueBoundAgain() {
        PipeServerConfig small = PipeServerConfig.builder("/tmp/x.sock").build();

        PipeServerConfig large = small.toBuilder().maxMessageBytes(8 << 20).build();

        assertThat(large.outboundQueueBytes()).isEqualTo(2 * ((8L << 20) + 4));
        assertThat(large.toBuilder().maxMessageBytes(1 << 20).build().outboundQueueBytes())
                .isEqualTo(4L << 20);
    }

    @Test
    void aQueueBoundTheUserSetIsKeptByToBuilder() {
        PipeServerConfig set = PipeServerConfig.builder("/tmp/x.sock")
                .outboundQueueBytes(9L << 20)
                .build();

        assertThat(set.toBuilder().maxMessageBytes(2 << 20).build().outboundQueueBytes())
                .isEqualTo(9L << 20);
    }

    @Test
    void theAcceptBacklogIsTheSystemMaximumUnlessSet() {
        assertThat(PipeServerConfig.builder("/tmp/x.sock").build().acceptBacklog())
                .isEqualTo(PipeServerConfig.SYSTEM_MAXIMUM_BACKLOG);
        Properties p = new Properties();
        p.setProperty("pipe", "/tmp/x.sock");
        p.setProperty("acceptBacklog", "64");
        assertThat(PipeServerConfig.fromProperties(p).build().acceptBacklog()).isEqualTo(64);
        assertThatThrownBy(() -> PipeServerConfig.builder("/tmp/x.sock")
                        .acceptBacklog(-1)
                        .build())
                .hasMessage("acceptBacklog must be between 1 and 1000000, or 0 for the system's maximum, was -1");
    }

    @Test
    void errorsNameTheKeyAndTheRange() {
        assertThatThrownBy(() ->
                        PipeServerConfig.builder("/tmp/x.sock").maxInstances(0).build())
                .hasMessage("maxInstances must be between 1 and 1000000, was 0");
        assertThatThrownBy(() -> PipeServerConfig.builder("/tmp/x.sock")
                        .maxMessageBytes(-1)
                        .build())
                .hasMessage("maxMessageBytes must be between 0 and 2147483647, was -1");
        assertThatThrownBy(() -> PipeServerConfig.builder("/tmp/x.sock")
                        .outboundQueueBytes(10)
                        .build())
                .hasMessageStartingWith("outboundQueueBytes must be at least one frame of maxMessageBytes");
        assertThatThrownBy(() -> PipeServerConfig.builder("/tmp/x.sock")
                        .gracePeriod(Duration.ofSeconds(-1))
                        .build())
                .hasMessageStartingWith("gracePeriod must be between 0 and");
        assertThatThrownBy(() -> PipeServerConfig.builder().build()).hasMessageStartingWith("pipe is required");
        assertThatThrownBy(() -> PipeServerConfig.builder("/tmp/x.sock")
                        .socketFileMode(PosixFilePermissions.fromString("r--------"))
                        .build())
                .hasMessageStartingWith("socketFileMode must let the owner read and write");
    }

    @Test
    void readsPropertiesWithOrWithoutThePrefix() {
        Properties p = new Properties();
        p.setProperty("pipe", "/tmp/y.sock");
        p.setProperty("pipelab.maxInstances", "7");
        p.setProperty("idleTimeout", "250ms");
        p.setProperty("gracePeriod", "PT2S");
        p.setProperty("socketFileMode", "0660");
        p.setProperty("strategy", "threaded");
        PipeServerConfig c = PipeServerConfig.fromProperties(p).build();
        assertThat(c.address().value()).isEqualTo("/tmp/y.sock");
        assertThat(c.maxInstances()).isEqualTo(7);
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.gracePeriod()).isEqualTo(Duration.ofSeconds(2));
        assertThat(PosixFilePermissions.toString(c.socketFileMode())).isEqualTo("rw-rw----");
    }

    @Test
    void refusesUnknownPrefixedKeysAndBadValues() {
        Properties typo = new Properties();
        typo.setProperty("pipelab.maxInstance", "7");
        assertThatThrownBy(() -> PipeServerConfig.fromProperties(typo)).hasMessageContaining("pipelab.maxInstance");
        Properties bad = new Properties();
        bad.setProperty("idleTimeout", "soon");
        assertThatThrownBy(() -> PipeServerConfig.fromProperties(bad))
                .hasMessageStartingWith("idleTimeout must be a duration");
        Properties notInt = new Properties();
        notInt.setProperty("maxMessageBytes", "1MB");
        assertThatThrownBy(() -> PipeServerConfig.fromProperties(notInt))
                .hasMessage("maxMessageBytes must be an integer, was '1MB'");
    }

    @Test
    void anAllowedGroupLetsInEveryMemberNotOnlyThoseWhosePrimaryGroupItIs() {
        PipeServerConfig config = PipeServerConfig.builder("/tmp/x.sock")
                .allowedGroups(java.util.Set.of("pipe-users"))
                .build();
        PeerIdentity member = new PeerIdentity(
                "ann", "Domain Users", java.util.OptionalLong.of(7), java.util.Set.of("Domain Users", "pipe-users"));
        PeerIdentity primary = new PeerIdentity("bob", "pipe-users", java.util.OptionalLong.empty());
        PeerIdentity other = new PeerIdentity(
                "eve", "Domain Users", java.util.OptionalLong.empty(), java.util.Set.of("Domain Users"));

        assertThat(config.refusal(member)).isEmpty();
        assertThat(config.refusal(primary)).isEmpty();
        assertThat(config.refusal(other)).hasValueSatisfying(r -> assertThat(r).contains("user eve"));
        assertThat(config.refusal(PeerIdentity.UNKNOWN)).isPresent();
    }
}
