package dev.pipelab.cli;

import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.api.handler.BuiltInHandlers;
import dev.pipelab.api.inject.PipeEngines;
import dev.pipelab.ledger.LedgerHandler;
import dev.pipelab.spi.os.PipeSystemProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code pipelab serve}: runs one server until SIGINT or SIGTERM. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serves clients at a pipe until interrupted (Ctrl-C or SIGTERM), then closes gracefully.",
            "Prints a line once clients can connect: READY <strategy> <endpoint> handler=<handler> seam=<seam>."
        },
        footer = {
            "",
            "The strategy comes from --strategy, else $PIPELAB_STRATEGY, else the config file's 'strategy'," + " else '"
                    + ServeCommand.DEFAULT_STRATEGY + "'.",
            "The seam comes from --seam, else $" + SeamChoice.ENV + ", else the config file's 'seam', else the"
                    + " one the engine's I/O style prefers: native for overlapped and completion on Linux with"
                    + " JDK 22+, nio for threaded and virtual (faster there today) and wherever native cannot run.",
            "The config file is a properties file with the keys pipe, strategy, seam, handler, counterFile,"
                    + " ledgerFile, ledgerCommit, maxInstances, maxMessageBytes, outboundQueueBytes, idleTimeout,"
                    + " gracePeriod, socketFileMode."
        })
final class ServeCommand implements Callable<Integer> {

    static final String DEFAULT_STRATEGY = "virtual";
    static final String STRATEGY_ENV = "PIPELAB_STRATEGY";

    @Spec
    CommandSpec spec;

    @Option(
            names = "--stop-when-stdin-closes",
            description = "Also stop gracefully when standard input ends: how a parent that cannot send SIGTERM"
                    + " (on Windows, Process.destroy terminates at once) stops it, as compare does there.")
    boolean stopWhenStdinCloses;

    @Option(
            names = "--strategy",
            paramLabel = "<key>",
            description = "Engine: threaded, overlapped, completion or virtual.")
    String strategy;

    @Option(
            names = "--seam",
            paramLabel = "<name>",
            description = "OS seam the engine runs on: native (Linux, JDK 22+) or nio (default: the preferred one"
                    + " that can run here).")
    String seam;

    @Option(
            names = "--pipe",
            paramLabel = "<name|path>",
            description = "A name (pipelab:NAME or NAME) or a socket path.")
    String pipe;

    @Option(
            names = "--handler",
            paramLabel = "<name>",
            description = "Built-in handler: echo (default), answer, broadcast, counter or ledger.")
    String handler;

    @Option(
            names = "--counter-file",
            paramLabel = "FILE",
            description = "The counter handler's file (default: beside the socket, <socket>.counter).")
    Path counterFile;

    @Option(
            names = "--ledger-file",
            paramLabel = "FILE",
            description = "The ledger handler's SQLite file (default: beside the socket, <socket>.ledger).")
    Path ledgerFile;

    @Option(
            names = "--ledger-commit",
            paramLabel = "per-request|group",
            description = "How the ledger makes its changes durable: one sync per request, or one per group of"
                    + " requests queued during the last sync (default: group).")
    String ledgerCommit;

    @Option(names = "--max-instances", paramLabel = "N", description = "Clients served at once (default 255).")
    Integer maxInstances;

    @Option(names = "--max-message-bytes", paramLabel = "N", description = "Largest request (default 1048576).")
    Integer maxMessageBytes;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with defaults for these options.")
    Path configFile;

    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() throws Exception {
        Properties file = readConfigFile();
        PipeServerConfig.Builder builder = PipeServerConfig.fromProperties(file);
        if (pipe != null) {
            builder.pipe(pipe);
        } else if (file.getProperty("pipe") == null && file.getProperty("pipelab.pipe") == null) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--pipe is required (or 'pipe' in the config file)");
        }
        if (maxInstances != null) {
            builder.maxInstances(maxInstances);
        }
        if (maxMessageBytes != null) {
            builder.maxMessageBytes(maxMessageBytes);
        }
        String key = firstOf(strategy, environment.get(STRATEGY_ENV), property(file, "strategy"), DEFAULT_STRATEGY);
        PipeSystemProvider pipeSystems;
        try {
            pipeSystems = SeamChoice.chooseFor(key, seam, environment.get(SeamChoice.ENV), property(file, "seam"));
        } catch (SeamChoice.UnknownSeamException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        } catch (SeamChoice.UnavailableSeamException e) {
            spec.commandLine().getErr().printf("pipelab serve: %s%n", e.getMessage());
            return 1;
        }
        PipeServerFactory factory = PipeEngines.factory(key, pipeSystems);
        if (!factory.isAvailable()) {
            spec.commandLine()
                    .getErr()
                    .printf(
                            "pipelab serve: %s: not available: %s%n",
                            key, factory.unavailabilityCause().orElseThrow());
            return 1;
        }
        PipeServerConfig config = builder.build();
        PipeHandler pipeHandler = handler(file, factory, config);
        try {
            serve(key, pipeSystems.name(), factory, config, pipeHandler);
        } finally {
            if (pipeHandler instanceof AutoCloseable closeable) {
                closeable.close(); // after the server: the ledger answers what is queued, then closes its file
            }
        }
        spec.commandLine().getOut().println("stopped");
        return 0;
    }

    private PipeHandler handler(Properties file, PipeServerFactory factory, PipeServerConfig config)
            throws SQLException {
        String name = firstOf(handler, property(file, "handler"), BuiltInHandlers.DEFAULT);
        if (name.equals(LedgerHandler.NAME)) {
            String path = property(file, "ledgerFile");
            return new LedgerHandler(
                    factory.handlerConcurrency(),
                    ledgerFile != null ? ledgerFile : path != null ? Path.of(path) : LedgerHandler.defaultFile(config),
                    LedgerHandler.Commit.of(firstOf(ledgerCommit, property(file, "ledgerCommit"), "group")));
        }
        if (!BuiltInHandlers.names().contains(name)) {
            throw new IllegalArgumentException("unknown handler '" + name + "'; known: "
                    + String.join(", ", BuiltInHandlers.names()) + ", " + LedgerHandler.NAME);
        }
        String counter = property(file, "counterFile");
        return BuiltInHandlers.create(
                name,
                factory.handlerConcurrency(),
                config,
                counterFile != null ? counterFile : counter != null ? Path.of(counter) : null);
    }

    private void serve(
            String key, String seamName, PipeServerFactory factory, PipeServerConfig config, PipeHandler pipeHandler)
            throws java.io.IOException, InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        for (String signal : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(signal), s -> stop.countDown());
        }
        if (stopWhenStdinCloses) {
            Thread watcher = new Thread(() -> awaitEndOfInput(stop), "pipelab-serve-stdin");
            watcher.setDaemon(true); // blocked in a read; the JVM's exit ends it
            watcher.start();
        }
        try (PipeServer server = factory.create(config, pipeHandler).start()) {
            // seam= last: the handler's description may hold spaces (the ledger's does), the seam's name never
            spec.commandLine()
                    .getOut()
                    .printf("READY %s %s handler=%s seam=%s%n", key, server.address(), pipeHandler, seamName);
            spec.commandLine().getOut().flush();
            stop.await();
            spec.commandLine().getOut().printf("stopping %s: %s%n", key, server.stats());
        }
        spec.commandLine().getOut().printf("handler: %s%n", pipeHandler);
    }

    /** Reads standard input to its end (or an error), then lets the server stop. */
    private static void awaitEndOfInput(CountDownLatch stop) {
        byte[] ignored = new byte[256];
        try {
            while (System.in.read(ignored) >= 0) {
                // whatever the parent writes is not a command: only the end counts
            }
        } catch (IOException e) {
            // a broken pipe is an end of input too
        }
        stop.countDown();
    }

    private Properties readConfigFile() throws IOException {
        Properties props = new Properties();
        if (configFile != null) {
            try (InputStream in = Files.newInputStream(configFile)) {
                props.load(in);
            } catch (NoSuchFileException e) {
                throw new IOException("config file " + configFile + " does not exist");
            }
        }
        return props;
    }

    private static String property(Properties file, String key) {
        String v = file.getProperty(key);
        return v != null ? v.strip() : file.getProperty("pipelab." + key);
    }

    private static String firstOf(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        throw new IllegalStateException("no value");
    }
}
