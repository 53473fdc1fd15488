package dev.pipelab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Injector;
import com.google.inject.Key;
import dev.pipelab.api.PipeClient;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.api.handler.EchoHandler;
import dev.pipelab.api.inject.PipeEngines;
import dev.pipelab.api.inject.Strategy;
import dev.pipelab.api.inject.UnknownStrategyException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every engine on the class path wires through Guice, starts and echoes. */
@Timeout(60)
class EngineWiringTest {

    @TempDir
    Path dir;

    static List<String> keys() {
        return PipeEngines.keys();
    }

    @Test
    void findsTheEnginesOfThisBuild() {
        assertThat(PipeEngines.keys()).containsExactly("threaded", "overlapped", "completion", "virtual");
        assertThat(PipeEngines.factories().keySet()).containsExactlyInAnyOrderElementsOf(PipeEngines.keys());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void wiresStartsAndEchoes(String key) throws Exception {
        Injector injector = PipeEngines.injector(key);
        assertThat(injector.getInstance(Key.get(String.class, Strategy.class))).isEqualTo(key);
        PipeServerFactory factory = injector.getInstance(PipeServerFactory.class);
        assertThat(factory.key()).isEqualTo(key);
        assertThat(factory.isAvailable())
                .as("%s: %s", key, factory.unavailabilityCause())
                .isTrue();
        PipeServerConfig config =
                PipeServerConfig.builder(dir.resolve(key + ".sock").toString()).build();
        try (PipeServer server = factory.create(config, new EchoHandler()).start();
                PipeClient client = PipeClient.connect(server.address(), Duration.ofSeconds(10))) {
            assertThat(server.strategy()).isEqualTo(key);
            assertThat(client.request("wired")).as("%s", server).isEqualTo("wired");
        }
    }

    @Test
    void anUnknownKeyFailsWithTheKnownOnes() {
        assertThatThrownBy(() -> PipeEngines.factory("nope"))
                .isInstanceOf(UnknownStrategyException.class)
                .hasMessage("unknown strategy 'nope'; known strategies: "
                        + String.join(", ", PipeEngines.keys().stream().sorted().toList()));
    }
}
