package dev.pipelab.testsuite.fake;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipelab.api.PipeServer;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.spi.diagnostics.ThreadCensus;
import dev.pipelab.spi.os.PipeSystemProvider;
import dev.pipelab.spi.os.PipeSystems;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

/**
 * What an engine's state-machine tests against a {@link ScriptedSeam} share: the seam, the
 * recording handler and the server; awaiting the exact calls on each instance; failure messages
 * that show the engine, the handler and the whole log; and, after each test, a server closed with
 * no thread, instance or broken rule left behind.
 *
 * @param <S> the engine's fake seam
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class StateMachineSupport<S extends ScriptedSeam> {

    protected static final Duration WAIT = Duration.ofSeconds(10);
    /** Longer than any step of a test, so that no grace deadline cuts a held write short. */
    protected static final Duration GRACE = Duration.ofSeconds(10);

    protected final S seam;
    private final Function<PipeSystemProvider, PipeServerFactory> engine;
    private final Map<Integer, Integer> callsExpected = new HashMap<>(); // per instance: entries checked so far
    /** The handler the next {@link #start} gives the engine; the subclass sets it. */
    protected RecordingHandler handler;

    protected PipeServer server;

    /**
     * @param seam the engine's fake seam, fresh for each test
     * @param engine makes the factory of the engine under test, on the seam it is given
     */
    protected StateMachineSupport(S seam, Function<PipeSystemProvider, PipeServerFactory> engine) {
        this.seam = seam;
        this.engine = engine;
    }

    protected void start(int maxInstances) throws IOException {
        PipeServerConfig config = PipeServerConfig.builder("fake-seam")
                .maxInstances(maxInstances)
                .gracePeriod(GRACE)
                .build();
        server = engine.apply(PipeSystems.of(seam)).create(config, handler).start();
    }

    /**
     * A client connects to {@code instance}, whose connect is pending: if no call on it has been
     * checked yet, the first is awaited, since the client must find it pending.
     */
    protected ScriptedClient clientConnectsTo(String name, int instance) {
        if (callsExpected.getOrDefault(instance, 0) == 0) {
            expectCalls(instance, "connect -> pending");
        }
        ScriptedClient client = seam.clientConnects(name);
        assertThat(client.instance()).as("%s's instance; %s", name, describe()).isEqualTo(instance);
        return client;
    }

    /** The session of {@code client} sends it {@code message} from the test thread: a push the session must take. */
    protected void push(String client, String message) {
        assertThat(handler.session(client).send(message.getBytes(UTF_8)))
                .as(this::describe)
                .isTrue();
    }

    /** After a connect that failed at once, the server still serves the client {@code name} that arrives. */
    protected void aClientArrivingAfterAFailedConnectIsServed(String name) {
        seam.clientConnects(name);
        eventually()
                .untilAsserted(() -> assertThat(handler.events())
                        .as("a client arriving after one failed connect is served; %s", describe())
                        .contains("connect " + name));
    }

    /**
     * Awaits the entries about instance {@code number} after those expected before: exactly
     * these, in this order.
     */
    protected void expectCalls(int number, String... calls) {
        int from = callsExpected.getOrDefault(number, 0);
        eventually().untilAsserted(() -> {
            List<String> all = seam.callsOn(number);
            assertThat(all.subList(Math.min(from, all.size()), all.size()))
                    .as("calls on #%d after the first %d; %s", number, from, describe())
                    .containsExactly(calls);
        });
        callsExpected.put(number, from + calls.length);
    }

    protected static ConditionFactory eventually() {
        return await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }

    /** The engine's live state, what the handler saw and the seam's log: for every failure message. */
    protected String describe() {
        return "engine " + server + "\nhandler saw " + handler.events() + "\n" + seam.describeCalls();
    }

    @AfterEach
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void closeTheServerAndLeaveNoThread() {
        if (server == null) {
            return;
        }
        server.close();
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(ThreadCensus.of("pipelab-").all())
                        .as("threads left after close; %s", describe())
                        .isEmpty());
        assertThat(seam.unclosed())
                .as("instances and pipe closed; %s", describe())
                .isEmpty();
        assertThat(seam.violations()).as(this::describe).isEmpty();
        assertThat(handler.misplacedCalls()).as(this::describe).isEmpty();
    }
}
