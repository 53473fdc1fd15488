package dev.pipelab.cli;

import dev.pipelab.api.PipeClient;
import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.api.Session;
import dev.pipelab.api.handler.AnswerHandler;
import dev.pipelab.api.inject.PipeEngines;
import dev.pipelab.spi.diagnostics.ThreadCensus;
import dev.pipelab.spi.os.PipeSystemProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pipelab demo}: the SDK's exchange, N clients at once, against each engine in turn, in
 * this process, on a temporary socket that is removed afterwards.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Starts a server on a temporary socket, connects N clients that each send",
            "\"Default message from client.\" and read the answer (the SDK samples' exchange),",
            "and prints what each engine used. With no --strategy, runs every available engine.",
            "The seam comes from --seam, else $" + SeamChoice.ENV + ", else the one each engine's I/O style"
                    + " prefers (native for overlapped and completion on Linux with JDK 22+, nio for threaded and"
                    + " virtual, where it is faster today)."
        })
final class DemoCommand implements Callable<Integer> {

    static final String CLIENT_MESSAGE = "Default message from client.";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Spec
    CommandSpec spec;

    @Option(names = "--strategy", paramLabel = "<key>", description = "Run only this engine.")
    String strategy;

    @Option(
            names = "--seam",
            paramLabel = "<name>",
            description = "OS seam the engines run on: native (Linux, JDK 22+) or nio (default: the preferred one"
                    + " that can run here).")
    String seam;

    Map<String, String> environment = System.getenv();

    @Option(
            names = "--clients",
            paramLabel = "N",
            defaultValue = "10",
            description = "Clients connected at once (default ${DEFAULT-VALUE}, at most 2000).")
    int clients;

    @Override
    public Integer call() throws Exception {
        if (clients < 1 || clients > 2000) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--clients must be between 1 and 2000, was " + clients);
        }
        List<String> keys = strategy != null ? List.of(strategy) : PipeEngines.keys();
        Map<String, PipeSystemProvider> seams = new LinkedHashMap<>(); // each engine's, as serve would choose it
        try {
            for (String key : keys) {
                seams.put(key, SeamChoice.chooseFor(key, seam, environment.get(SeamChoice.ENV)));
            }
        } catch (SeamChoice.UnknownSeamException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        } catch (SeamChoice.UnavailableSeamException e) {
            spec.commandLine().getErr().printf("pipelab demo: %s%n", e.getMessage());
            return 1;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "PipeLab demo: %d clients, each sends \"%s\" and reads the answer; %s%n%n",
                clients, CLIENT_MESSAGE, seamsLine(seams));
        out.printf(
                "%-11s %8s %9s %7s %17s %16s %16s %9s%n",
                "engine",
                "clients",
                "messages",
                "errors",
                "platform threads",
                "virtual threads",
                "handler threads",
                "time");
        int failures = 0;
        int ran = 0;
        for (String key : keys) {
            PipeServerFactory factory = PipeEngines.factory(key, seams.get(key));
            if (!factory.isAvailable()) {
                out.printf(
                        "%-11s not available: %s%n",
                        key, factory.unavailabilityCause().orElseThrow());
                continue;
            }
            ran++;
            Row row = runOne(factory);
            failures += row.errors;
            out.printf(
                    "%-11s %8d %9d %7d %17d %16d %16d %6d ms%n",
                    key,
                    clients,
                    row.messages,
                    row.errors,
                    row.census.platform().size(),
                    row.census.virtual().size(),
                    row.handlerThreads,
                    row.millis);
            out.flush();
        }
        out.printf(
                "%nplatform / virtual threads: the server's own threads while all %d clients were connected."
                        + "%nhandler threads: distinct threads the handler ran on.%n",
                clients);
        return failures == 0 && ran > 0 ? 0 : 1;
    }

    private record Row(int messages, int errors, ThreadCensus census, int handlerThreads, long millis) {}

    private Row runOne(PipeServerFactory factory) throws Exception {
        Path dir = Files.createTempDirectory("pipelab-demo");
        ThreadRecordingHandler handler = new ThreadRecordingHandler();
        PipeServerConfig config = PipeServerConfig.builder(
                        dir.resolve(factory.key() + ".sock").toString())
                .maxInstances(Math.max(clients, 1))
                .build();
        AtomicInteger errors = new AtomicInteger();
        long start = System.nanoTime();
        ThreadCensus census;
        try (PipeServer server = factory.create(config, handler).start();
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch exchanged = new CountDownLatch(clients);
            CountDownLatch leave = new CountDownLatch(1);
            List<Future<?>> sessions = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                sessions.add(pool.submit(() -> sampleClient(server, exchanged, leave, errors)));
            }
            if (!exchanged.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                errors.incrementAndGet();
            }
            census = ThreadCensus.of("pipelab-" + factory.key());
            leave.countDown(); // like the sample client's "press Enter": now every client disconnects
            for (Future<?> s : sessions) {
                s.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            Files.deleteIfExists(dir);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        return new Row(handler.messages.get(), errors.get(), census, handler.threads.size(), millis);
    }

    /** "seam native" when every engine runs on one seam, else "seams threaded nio, overlapped native, ...". */
    private static String seamsLine(Map<String, PipeSystemProvider> seams) {
        if (seams.values().stream().map(PipeSystemProvider::name).distinct().count() == 1) {
            return "seam " + seams.values().iterator().next().name();
        }
        return "seams "
                + seams.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue().name())
                        .collect(Collectors.joining(", "));
    }

    /** The SDK's named-pipe client: connect (waiting while busy), send, read the answer, wait, close. */
    private static Void sampleClient(
            PipeServer server, CountDownLatch exchanged, CountDownLatch leave, AtomicInteger errors)
            throws IOException, InterruptedException {
        try (PipeClient client = PipeClient.connect(server.address(), WAIT).ioTimeout(WAIT)) {
            String answer = client.request(CLIENT_MESSAGE);
            if (!AnswerHandler.ANSWER.equals(answer)) {
                errors.incrementAndGet();
            }
            exchanged.countDown();
            leave.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (IOException e) {
            errors.incrementAndGet();
            exchanged.countDown();
        }
        return null;
    }

    /** The {@code answer} handler, noting which threads it ran on. */
    private static final class ThreadRecordingHandler implements PipeHandler {
        final java.util.Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final AtomicInteger messages = new AtomicInteger();
        private final AnswerHandler answer = new AnswerHandler();

        @Override
        public void onMessage(Session session, byte[] message) {
            threads.add(Thread.currentThread());
            messages.incrementAndGet();
            answer.onMessage(session, message);
        }
    }
}
