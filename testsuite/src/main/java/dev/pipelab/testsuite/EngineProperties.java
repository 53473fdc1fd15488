package dev.pipelab.testsuite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.pipelab.api.PipeClient;
import dev.pipelab.api.PipeErrorException;
import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.api.Session;
import dev.pipelab.api.handler.AnswerHandler;
import dev.pipelab.api.handler.BuiltInHandlers;
import dev.pipelab.api.handler.CounterHandler;
import dev.pipelab.api.handler.EchoHandler;
import dev.pipelab.api.protocol.Frames;
import dev.pipelab.ledger.LedgerHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The engines are interchangeable: each property runs the same generated case against every
 * engine and compares what a client observes with a model of the expected result. A failure
 * names the engine; QuickTheories shrinks the case and prints its seed ("Seed was ..."), which
 * {@code -DQT_SEED=...} replays. The number of examples per property is
 * {@code -Dpipelab.properties.examples} (default 15).
 *
 * <p>A module with every engine on its class path runs this with a subclass that lists them.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
public abstract class EngineProperties {

    /** Small, so that generated sizes reach it often. */
    static final int MAX = 4096;

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int EXAMPLES = Integer.getInteger("pipelab.properties.examples", 15);

    private Path root;
    private int runs;

    /** The engines to compare, in the order to report them. */
    protected abstract List<PipeServerFactory> engines();

    @BeforeEach
    void makeRoot() throws IOException {
        root = Files.createTempDirectory("pipelab-props");
    }

    @AfterEach
    void removeRoot() throws IOException {
        try (var files = Files.walk(root)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---- generators

    /** Payload sizes with the boundaries overweighted. */
    private static Gen<Integer> sizes() {
        return Generate.frequency(List.of(
                Pair.of(4, Generate.range(1, 32)),
                Pair.of(2, Generate.pick(List.of(0, 1, MAX - 1, MAX))),
                Pair.of(1, Generate.range(33, MAX))));
    }

    /** One client of a conversation: its message sizes, pipelining depth and write chunk. */
    record ClientScript(List<Integer> sizes, int depth, int chunk) {}

    private static Gen<ClientScript> clientScripts() {
        return lists().of(sizes())
                .ofSizeBetween(0, 6)
                .zip(Generate.range(1, 4), Generate.pick(List.of(1, 3, 7, 64, Integer.MAX_VALUE)), ClientScript::new);
    }

    /** A step of the equivalence property. */
    enum Step {
        MESSAGE,
        NUMBER,
        NOT_A_NUMBER,
        TOO_LONG,
        RESERVED_BIT
    }

    record Action(Step step, int value) {}

    private static Gen<Action> actions() {
        Gen<Step> steps = Generate.frequency(List.of(
                Pair.of(4, Generate.constant(Step.MESSAGE)),
                Pair.of(4, Generate.constant(Step.NUMBER)),
                Pair.of(1, Generate.constant(Step.NOT_A_NUMBER)),
                Pair.of(1, Generate.constant(Step.TOO_LONG)),
                Pair.of(1, Generate.constant(Step.RESERVED_BIT))));
        return steps.zip(Generate.range(-100, 100), Action::new);
    }

    /** The end of a client in the lifecycle property. */
    enum Ending {
        STAYS,
        HALF_FRAME,
        VANISHES
    }

    record LifecycleClient(List<Integer> sizes, int reads, Ending ending) {}

    private static Gen<LifecycleClient> lifecycleClients() {
        return lists().of(Generate.range(1, 300))
                .ofSizeBetween(0, 5)
                .zip(
                        Generate.range(0, 5),
                        Generate.enumValues(Ending.class),
                        (sizes, reads, ending) -> new LifecycleClient(sizes, Math.min(reads, sizes.size()), ending));
    }

    // ---- the properties

    @Test
    void everyClientGetsExactlyItsRepliesInOrderByteForByte() {
        qt().withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .forAll(lists().of(clientScripts()).ofSizeBetween(1, 4))
                .checkAssert(clients -> eachEngine(factory -> conversation(factory, clients)));
    }

    private void conversation(PipeServerFactory factory, List<ClientScript> clients) throws Exception {
        try (PipeServer server = start(factory, new EchoHandler(), b -> b)) {
            List<Callable<Void>> work = new ArrayList<>();
            for (int c = 0; c < clients.size(); c++) {
                ClientScript script = clients.get(c);
                int id = c;
                work.add(() -> {
                    try (RawClient client = RawClient.connect(server)) {
                        List<byte[]> sent = new ArrayList<>();
                        int replies = 0;
                        for (int i = 0; i < script.sizes().size(); i++) {
                            byte[] message = payload(id, i, script.sizes().get(i));
                            client.write(Frames.encode(message), script.chunk());
                            sent.add(message);
                            while (sent.size() - replies >= script.depth()) {
                                assertThat(client.read())
                                        .as("client %d, reply %d", id, replies)
                                        .isEqualTo(sent.get(replies));
                                replies++;
                            }
                        }
                        for (; replies < sent.size(); replies++) {
                            assertThat(client.read())
                                    .as("client %d, reply %d", id, replies)
                                    .isEqualTo(sent.get(replies));
                        }
                    }
                    return null;
                });
            }
            runAll(work);
        }
    }

    @Test
    void everyEngineProducesTheModelsTranscriptForEchoAnswerAndCounter() {
        qt().withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .forAll(
                        Generate.pick(List.of("echo", "answer", "counter")),
                        lists().of(lists().of(actions()).ofSizeBetween(1, 6)).ofSizeBetween(1, 3))
                .checkAssert((handler, clients) -> eachEngine(factory -> {
                    Path counterFile = freshDir().resolve("counter");
                    PipeHandler pipeHandler =
                            BuiltInHandlers.create(handler, factory.handlerConcurrency(), null, counterFile);
                    List<String> observed = new ArrayList<>();
                    try (PipeServer server = start(factory, pipeHandler, b -> b)) {
                        for (List<Action> script : clients) { // one after another: the counter's totals are then fixed
                            observed.addAll(transcript(server, script));
                        }
                    }
                    assertThat(observed).isEqualTo(model(handler, clients));
                }));
    }

    /** What a client observes: one line per reply, error frame and close. */
    private static List<String> transcript(PipeServer server, List<Action> script) throws Exception {
        List<String> lines = new ArrayList<>();
        try (RawClient client = RawClient.connect(server)) {
            for (Action a : script) {
                client.write(request(a), Integer.MAX_VALUE);
                try {
                    byte[] reply = client.read();
                    lines.add(reply == null ? "closed" : "reply " + new String(reply, StandardCharsets.UTF_8));
                    if (reply == null) {
                        return lines;
                    }
                } catch (PipeErrorException e) {
                    lines.add("error " + e.reason());
                    lines.add(client.read() == null ? "closed" : "not closed after the error frame");
                    return lines;
                }
            }
        }
        return lines;
    }

    private static ByteBuffer request(Action a) {
        return switch (a.step()) {
            case MESSAGE -> Frames.encode(("m" + a.value()).getBytes(StandardCharsets.UTF_8));
            case NUMBER -> Frames.encode(Integer.toString(a.value()).getBytes(StandardCharsets.UTF_8));
            case NOT_A_NUMBER -> Frames.encode(("x" + a.value()).getBytes(StandardCharsets.UTF_8));
            case TOO_LONG -> Frames.header(MAX + 1 + Math.abs(a.value()));
            case RESERVED_BIT -> ByteBuffer.allocate(4).putInt(0, 0x8000_0000 | Math.abs(a.value()));
        };
    }

    /** The expected transcript of {@code clients}, run one after another, under {@code handler}. */
    static List<String> model(String handler, List<List<Action>> clients) {
        List<String> lines = new ArrayList<>();
        long total = 0;
        for (List<Action> script : clients) {
            for (Action a : script) {
                String text = switch (a.step()) {
                    case MESSAGE -> "m" + a.value();
                    case NUMBER -> Integer.toString(a.value());
                    case NOT_A_NUMBER -> "x" + a.value();
                    default -> null;
                };
                String error = switch (a.step()) {
                    case TOO_LONG -> Frames.tooLarge(MAX + 1 + Math.abs(a.value()), MAX);
                    case RESERVED_BIT ->
                        String.format(
                                "reserved bit set in frame length word 0x%08x", 0x8000_0000 | Math.abs(a.value()));
                    default -> null;
                };
                if (error == null && handler.equals("counter") && a.step() != Step.NUMBER) {
                    error = "handler failed: counter requests are decimal deltas" + " like 5 or -3, not '" + text + "'";
                }
                if (error != null) {
                    lines.add("error " + error);
                    lines.add("closed");
                    break;
                }
                lines.add("reply "
                        + switch (handler) {
                            case "echo" -> text;
                            case "answer" -> AnswerHandler.ANSWER;
                            default -> Long.toString(total += a.value());
                        });
            }
        }
        return lines;
    }

    @Test
    void everyClientSeesEveryOtherClientsBroadcastsOnceInOneOrder() {
        qt().withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .forAll(lists().of(lists().of(Generate.range(1, 200)).ofSizeBetween(0, 5))
                        .ofSizeBetween(2, 5))
                .checkAssert(players -> eachEngine(factory -> broadcast(factory, players)));
    }

    private void broadcast(PipeServerFactory factory, List<List<Integer>> players) throws Exception {
        ConnectCountingHandler counting = new ConnectCountingHandler(
                BuiltInHandlers.create("broadcast", factory.handlerConcurrency(), null, null));
        int total = players.stream().mapToInt(List::size).sum();
        try (PipeServer server = start(factory, counting, b -> b)) {
            List<RawClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < players.size(); i++) {
                    clients.add(RawClient.connect(server));
                }
                awaitTrue(() -> counting.connected() == players.size(), "every player connected");
                List<Callable<List<String>>> work = new ArrayList<>();
                for (int p = 0; p < players.size(); p++) {
                    RawClient client = clients.get(p);
                    List<Integer> moves = players.get(p);
                    int player = p;
                    int expected = total - moves.size();
                    work.add(() -> {
                        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                            for (int m = 0; m < moves.size(); m++) {
                                client.writeUnchecked(Frames.encode(move(player, m, moves.get(m))));
                            }
                        });
                        List<String> heard = new ArrayList<>();
                        while (heard.size() < expected) {
                            byte[] move = client.read();
                            heard.add(new String(move, StandardCharsets.UTF_8).substring(0, idLength(move)));
                        }
                        sending.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                        return heard;
                    });
                }
                List<List<String>> heard = runAll(work);
                for (int x = 0; x < players.size(); x++) {
                    String me = x + ":";
                    assertThat(heard.get(x))
                            .as("player %d", x)
                            .doesNotHaveDuplicates()
                            .noneMatch(m -> m.startsWith(me))
                            .hasSize(total - players.get(x).size());
                    for (int y = x + 1; y < players.size(); y++) {
                        String other = y + ":";
                        assertThat(heard.get(x).stream()
                                        .filter(m -> !m.startsWith(other))
                                        .toList())
                                .as("players %d and %d hear the others in one order", x, y)
                                .isEqualTo(heard.get(y).stream()
                                        .filter(m -> !m.startsWith(me))
                                        .toList());
                    }
                }
            } finally {
                for (RawClient c : clients) {
                    c.close();
                }
            }
        }
    }

    private static byte[] move(int player, int index, int size) {
        byte[] id = (player + ":" + index + ";").getBytes(StandardCharsets.US_ASCII);
        byte[] move = Arrays.copyOf(id, Math.max(id.length, size));
        Arrays.fill(move, id.length, move.length, (byte) 'x');
        return move;
    }

    private static int idLength(byte[] move) {
        for (int i = 0; i < move.length; i++) {
            if (move[i] == ';') {
                return i;
            }
        }
        return move.length;
    }

    @Test
    void theCounterLosesNoAcknowledgedUpdateEvenAcrossARestart() {
        qt().withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .forAll(lists().of(lists().of(Generate.range(-1000, 1000)).ofSizeBetween(0, 10))
                        .ofSizeBetween(1, 4))
                .checkAssert(clients -> eachEngine(factory -> {
                    Path file = freshDir().resolve("counter");
                    long sum = clients.stream()
                            .flatMap(List::stream)
                            .mapToLong(Integer::longValue)
                            .sum();
                    try (PipeServer server = start(
                            factory,
                            BuiltInHandlers.create("counter", factory.handlerConcurrency(), null, file),
                            b -> b)) {
                        List<Callable<Void>> work = new ArrayList<>();
                        for (List<Integer> deltas : clients) {
                            work.add(() -> {
                                try (RawClient c = RawClient.connect(server)) {
                                    for (int d : deltas) {
                                        c.write(
                                                Frames.encode(
                                                        Integer.toString(d).getBytes(StandardCharsets.US_ASCII)),
                                                Integer.MAX_VALUE);
                                        assertThat(new String(c.read(), StandardCharsets.US_ASCII))
                                                .matches("-?[0-9]+");
                                    }
                                }
                                return null;
                            });
                        }
                        runAll(work);
                    }
                    assertThat(CounterHandler.readTotal(file))
                            .as("the file after a graceful stop")
                            .isEqualTo(sum);
                    try (PipeServer restarted = start(
                                    factory,
                                    BuiltInHandlers.create("counter", factory.handlerConcurrency(), null, file),
                                    b -> b);
                            RawClient c = RawClient.connect(restarted)) {
                        c.write(Frames.encode("0".getBytes(StandardCharsets.US_ASCII)), Integer.MAX_VALUE);
                        assertThat(new String(c.read(), StandardCharsets.US_ASCII))
                                .as("after a restart")
                                .isEqualTo(Long.toString(sum));
                    }
                }));
    }

    @Test
    void noActionSequenceHangsLeaksOrLosesAReplyOwedToAConnectedClient() {
        qt().withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .forAll(lists().of(lifecycleClients()).ofSizeBetween(1, 3))
                .checkAssert(clients -> eachEngine(factory -> lifecycle(factory, clients)));
    }

    private void lifecycle(PipeServerFactory factory, List<LifecycleClient> scripts) throws Exception {
        AtomicIntegerArray read = new AtomicIntegerArray(scripts.size());
        PipeHandler countingEcho = new PipeHandler() {
            @Override
            public void onMessage(Session session, byte[] message) {
                read.incrementAndGet(message[0]); // every message starts with its client's number
                session.send(message);
            }
        };
        PipeServer server = start(factory, countingEcho, b -> b.gracePeriod(Duration.ofSeconds(5)));
        Path socket = TestPipes.areSocketFiles() ? server.address().path() : null;
        List<RawClient> clients = new ArrayList<>();
        try {
            List<List<byte[]>> sent = new ArrayList<>();
            List<Integer> received = new ArrayList<>();
            for (int c = 0; c < scripts.size(); c++) {
                LifecycleClient script = scripts.get(c);
                RawClient client = RawClient.connect(server);
                clients.add(client);
                List<byte[]> messages = new ArrayList<>();
                for (int i = 0; i < script.sizes().size(); i++) {
                    byte[] m = payload(c, i, script.sizes().get(i));
                    client.write(Frames.encode(m), Integer.MAX_VALUE);
                    messages.add(m);
                }
                for (int i = 0; i < script.reads(); i++) {
                    assertThat(client.read()).as("client %d, reply %d", c, i).isEqualTo(messages.get(i));
                }
                sent.add(messages);
                received.add(script.reads());
                switch (script.ending()) {
                    case HALF_FRAME -> client.write(ByteBuffer.wrap(new byte[] {0, 0}), Integer.MAX_VALUE);
                    case VANISHES -> client.close();
                    case STAYS -> {}
                }
            }
            for (int c = 0; c < scripts.size(); c++) { // the server has read what the connected sent
                int id = c;
                if (scripts.get(c).ending() != Ending.VANISHES) {
                    awaitTrue(() -> read.get(id) == sent.get(id).size(), "client " + c + "'s requests read");
                }
            }
            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
            for (int c = 0; c < scripts.size(); c++) {
                if (scripts.get(c).ending() == Ending.VANISHES) {
                    continue;
                }
                RawClient client = clients.get(c);
                for (int i = received.get(c); i < sent.get(c).size(); i++) {
                    assertThat(client.read())
                            .as("owed reply %d of client %d", i, c)
                            .isEqualTo(sent.get(c).get(i));
                }
                assertThat(client.read())
                        .as("client %d disconnected after its replies", c)
                        .isNull();
            }
            closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            for (RawClient c : clients) {
                c.close(); // a client end may use a thread of the seam's too (Windows' completion port)
            }
            assertThat(ContractSupport.pipelabThreadsLeft()).as("threads left").isEmpty();
            if (socket != null) {
                assertThat(Files.exists(socket)).as("socket file left").isFalse();
            }
        } finally {
            server.close();
            for (RawClient c : clients) {
                c.close();
            }
        }
    }

    // ---- the ledger

    private static Gen<LedgerModel.Command> ledgerCommands(List<LedgerModel.Verb> verbs, int accounts) {
        Gen<LedgerModel.Verb> verb = Generate.frequency(verbs.stream()
                .map(v -> Pair.of(
                        v == LedgerModel.Verb.TRANSFER ? 4 : v == LedgerModel.Verb.OPEN ? 2 : 1, Generate.constant(v)))
                .toList());
        Gen<Long> amounts = Generate.frequency(List.of(
                Pair.of(6, Generate.longRange(0, 60)),
                Pair.of(1, Generate.pick(List.of(0L, 1L, LedgerModel.MAX_AMOUNT, LedgerModel.MAX_AMOUNT + 1)))));
        return verb.zip(
                Generate.range(0, accounts - 1), Generate.range(0, accounts), amounts, LedgerModel.Command::new);
    }

    /** A fresh ledger for {@code factory}, in a fresh directory. */
    private LedgerHandler ledger(PipeServerFactory factory) throws Exception {
        return new LedgerHandler(
                factory.handlerConcurrency(), freshDir().resolve("ledger.db"), LedgerHandler.Commit.GROUP);
    }

    @Test
    void theLedgerAnswersEverySequenceOfCommandsAsTheModelDoesBalancesErrorsAndIds() {
        List<String> accounts = List.of("a", "b", "c");
        qt().withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .forAll(lists().of(ledgerCommands(List.of(LedgerModel.Verb.values()), 4))
                        .ofSizeBetween(1, 25))
                .checkAssert(commands -> eachEngine(factory -> {
                    LedgerModel model = new LedgerModel(true);
                    try (LedgerHandler ledger = ledger(factory);
                            PipeServer server = start(factory, ledger, b -> b);
                            RawClient client = RawClient.connect(server)) {
                        for (int i = 0; i < commands.size(); i++) {
                            String request = commands.get(i).text(accounts);
                            String expected = model.apply(commands.get(i), accounts);
                            String observed = client.request(request);
                            assertThat(LedgerModel.matches(expected, observed))
                                    .as("request %d '%s': expected %s, got %s", i, request, expected, observed)
                                    .isTrue();
                        }
                    }
                }));
    }

    @Test
    void concurrentLedgerClientsLoseNoUpdateAndEachGetsTheModelsReplies() {
        List<LedgerModel.Verb> verbs = List.of(
                LedgerModel.Verb.OPEN, LedgerModel.Verb.TRANSFER, LedgerModel.Verb.BALANCE, LedgerModel.Verb.MALFORMED);
        qt().withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .forAll(lists().of(lists().of(ledgerCommands(verbs, 3)).ofSizeBetween(1, 15))
                        .ofSizeBetween(2, 4))
                .checkAssert(clients -> eachEngine(factory -> concurrentLedger(factory, clients)));
    }

    /**
     * Each client has accounts of its own and pays into one shared account, {@code pool}, so its
     * own replies are fixed whatever the interleaving; the ids, the pool and the totals are then
     * checked across all clients.
     */
    private void concurrentLedger(PipeServerFactory factory, List<List<LedgerModel.Command>> clients) throws Exception {
        try (LedgerHandler ledger = ledger(factory);
                PipeServer server = start(factory, ledger, b -> b)) {
            try (RawClient setup = RawClient.connect(server)) {
                assertThat(setup.request("open pool 0")).isEqualTo("ok");
            }
            List<LedgerModel> models = new ArrayList<>();
            List<Callable<List<Long>>> work = new ArrayList<>();
            for (int c = 0; c < clients.size(); c++) {
                List<String> accounts = List.of("c" + c + "x0", "c" + c + "x1", "c" + c + "x2", "pool");
                LedgerModel model = new LedgerModel(false);
                model.assumeExists("pool");
                models.add(model);
                List<LedgerModel.Command> commands = clients.get(c);
                int id = c;
                work.add(() -> {
                    List<Long> ids = new ArrayList<>();
                    try (RawClient client = RawClient.connect(server)) {
                        for (int i = 0; i < commands.size(); i++) {
                            String request = commands.get(i).text(accounts);
                            String expected = model.apply(commands.get(i), accounts);
                            String observed = client.request(request);
                            assertThat(LedgerModel.matches(expected, observed))
                                    .as(
                                            "client %d, request %d '%s': expected %s, got %s",
                                            id, i, request, expected, observed)
                                    .isTrue();
                            if (expected.equals(LedgerModel.SOME_ID)) {
                                ids.add(Long.parseLong(observed.substring(3)));
                            }
                        }
                    }
                    assertThat(ids).as("client %d's ids", id).isSorted();
                    return ids;
                });
            }
            List<List<Long>> ids = runAll(work);
            List<Long> all = ids.stream().flatMap(List::stream).toList();
            assertThat(all).as("transfer ids").doesNotHaveDuplicates();
            long opened = 0;
            long paidIn = 0;
            for (LedgerModel m : models) {
                opened += m.openedAmount();
                paidIn += m.transfers().stream()
                        .filter(t -> t.split(" ")[1].equals("pool"))
                        .mapToLong(t -> Long.parseLong(t.split(" ")[2]))
                        .sum();
            }
            try (RawClient check = RawClient.connect(server)) {
                for (int c = 0; c < clients.size(); c++) {
                    for (int t = 0; t < ids.get(c).size(); t++) {
                        assertThat(check.request("show " + ids.get(c).get(t)))
                                .as("client %d's transfer %d", c, ids.get(c).get(t))
                                .isEqualTo(models.get(c).transfers().get(t));
                    }
                }
                assertThat(check.request("count")).isEqualTo(Integer.toString(all.size()));
                assertThat(check.request("total")).as("the total").isEqualTo(Long.toString(opened));
                assertThat(check.request("balance pool"))
                        .as("paid into the pool")
                        .isEqualTo(Long.toString(paidIn));
            }
        }
    }

    // ---- running a case

    @FunctionalInterface
    interface EngineCase {
        void run(PipeServerFactory factory) throws Exception;
    }

    /** Runs {@code check} against each engine; a failure names the engine. */
    private void eachEngine(EngineCase check) {
        for (PipeServerFactory factory : engines()) {
            try {
                check.run(factory);
            } catch (Throwable t) {
                throw new AssertionError("engine " + factory.key() + ": " + t.getMessage(), t);
            }
        }
    }

    private PipeServer start(
            PipeServerFactory factory,
            PipeHandler handler,
            java.util.function.UnaryOperator<PipeServerConfig.Builder> tune)
            throws IOException {
        return factory.create(
                        tune.apply(PipeServerConfig.builder(TestPipes.spec(freshDir(), "p.sock"))
                                        .maxMessageBytes(MAX)
                                        .gracePeriod(Duration.ofSeconds(2)))
                                .build(),
                        handler)
                .start();
    }

    private Path freshDir() throws IOException {
        return Files.createDirectories(root.resolve(Integer.toString(runs++)));
    }

    private static <T> List<T> runAll(List<Callable<T>> work) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> w : work) {
                futures.add(pool.submit(w));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(WAIT.toSeconds(), TimeUnit.SECONDS)); // bounded: a hang fails the case
            }
            return results;
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        org.awaitility.Awaitility.await(what).atMost(WAIT).until(condition::getAsBoolean);
    }

    /** A deterministic payload: its client's number, then a pattern. */
    static byte[] payload(int client, int index, int size) {
        byte[] p = new byte[size];
        for (int i = 0; i < size; i++) {
            p[i] = (byte) (i == 0 ? client : client * 31 + index * 7 + i);
        }
        return p;
    }

    /**
     * A client that writes raw bytes in chunks of a generated size; every read and every write
     * is bounded by {@link #WAIT}.
     */
    static final class RawClient implements AutoCloseable {
        private final PipeClient client;

        private RawClient(PipeClient client) {
            this.client = client;
        }

        static RawClient connect(PipeServer server) throws IOException {
            return new RawClient(PipeClient.connect(server.address(), WAIT).ioTimeout(WAIT));
        }

        void write(ByteBuffer bytes, int chunk) throws IOException {
            while (bytes.hasRemaining()) {
                int n = Math.min(chunk, bytes.remaining());
                client.sendRaw(bytes.slice(bytes.position(), n));
                bytes.position(bytes.position() + n);
            }
        }

        void writeUnchecked(ByteBuffer bytes) {
            try {
                write(bytes, Integer.MAX_VALUE);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** Sends one UTF-8 request and returns the reply as text. */
        String request(String text) throws IOException {
            String reply = client.request(text);
            assertThat(reply).as("a reply to '%s'", text).isNotNull();
            return reply;
        }

        /** The next message, or null once the server has closed the connection. */
        byte[] read() throws IOException {
            return client.receive();
        }

        @Override
        public void close() throws IOException {
            client.close();
        }
    }
}
