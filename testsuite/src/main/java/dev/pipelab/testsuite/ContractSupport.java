package dev.pipelab.testsuite;

import dev.pipelab.api.PipeClient;
import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.api.handler.BuiltInHandlers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the contract suites share: the engine under test, a fresh directory per test, servers
 * and clients that are closed after each test whatever happened, and bounded waits.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
public abstract class ContractSupport {

    /** Small enough for fast tests, large enough to span many reads. */
    protected static final int MAX_MESSAGE = 200_000;

    protected static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    protected Path dir;

    private final List<PipeServer> servers = new ArrayList<>();
    private final List<PipeClient> clients = new ArrayList<>();
    protected ContractHandler handler;

    /**
     * The names of PipeLab's threads still alive, once the ones that end by themselves shortly
     * after their last use (the Windows seam's completion-port and flush threads end just after
     * the operations they served) have had up to five seconds to go. Empty when nothing is left.
     */
    public static List<String> pipelabThreadsLeft() {
        var left = new java.util.concurrent.atomic.AtomicReference<List<String>>();
        try {
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        left.set(dev.pipelab.spi.diagnostics.ThreadCensus.of("pipelab-")
                                .all());
                        return left.get().isEmpty();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // what is left is the answer
        }
        return left.get();
    }

    /** The engine under test. */
    protected abstract PipeServerFactory factory();

    @BeforeEach
    void newHandler() {
        handler = new ContractHandler();
    }

    @AfterEach
    void closeEverything() throws IOException {
        for (PipeClient c : clients) {
            c.close();
        }
        servers.forEach(PipeServer::close);
    }

    /** Starts a server of the engine under test at a fresh path, configured by {@code tune}. */
    protected PipeServer start(UnaryOperator<PipeServerConfig.Builder> tune) throws IOException {
        return start(handler, tune);
    }

    /** Starts a server with {@code pipeHandler} instead of the contract handler. */
    protected PipeServer start(PipeHandler pipeHandler, UnaryOperator<PipeServerConfig.Builder> tune)
            throws IOException {
        PipeServer server = factory().create(config(tune), pipeHandler);
        servers.add(server);
        return server.start();
    }

    protected PipeServerConfig config(UnaryOperator<PipeServerConfig.Builder> tune) {
        return tune.apply(PipeServerConfig.builder(TestPipes.spec(dir, "s.sock"))
                        .maxMessageBytes(MAX_MESSAGE)
                        .gracePeriod(Duration.ofSeconds(2)))
                .build();
    }

    /** A built-in handler, made for the way the engine under test calls handlers. */
    protected PipeHandler builtIn(String name) {
        return BuiltInHandlers.create(name, factory().handlerConcurrency(), config(b -> b), dir.resolve("counter"));
    }

    /** Closes {@code server} after the test, whatever happens. */
    protected PipeServer track(PipeServer server) {
        servers.add(server);
        return server;
    }

    /** Closes {@code client} after the test, whatever happens. */
    protected PipeClient track(PipeClient client) {
        clients.add(client);
        return client;
    }

    protected PipeServer start() throws IOException {
        return start(b -> b);
    }

    protected PipeClient connect(PipeServer server) throws IOException {
        PipeClient c = PipeClient.connect(server.address(), WAIT).ioTimeout(WAIT);
        clients.add(c);
        return c;
    }
}
