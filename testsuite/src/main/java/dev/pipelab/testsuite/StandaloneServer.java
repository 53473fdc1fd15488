package dev.pipelab.testsuite;

import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.api.handler.EchoHandler;
import dev.pipelab.ledger.LedgerHandler;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A server in a process of its own, for tests that must give the server limits the test JVM
 * should not have (a descriptor limit, say) or must kill it: {@code StandaloneServer
 * FACTORY-CLASS SOCKET [ledger FILE]}, an echo server, or with {@code ledger FILE} the ledger
 * handler on that file (group commit). It prints {@code READY} once clients can connect, serves
 * until its standard input closes, then closes gracefully, prints {@code STOPPED} and the
 * server's counters, and exits 0.
 */
public final class StandaloneServer {

    private StandaloneServer() {}

    public static void main(String[] args) throws Exception {
        loadClassesOfDirectories();
        PipeServerFactory factory = Class.forName(args[0])
                .asSubclass(PipeServerFactory.class)
                .getConstructor()
                .newInstance();
        PipeServerConfig config = PipeServerConfig.builder(args[1]).build();
        boolean ledger = args.length > 3 && args[2].equals(LedgerHandler.NAME);
        PipeHandler handler = ledger
                ? new LedgerHandler(factory.handlerConcurrency(), Path.of(args[3]), LedgerHandler.Commit.GROUP)
                : new EchoHandler();
        try (PipeServer server = factory.create(config, handler).start()) {
            System.out.println("READY " + server.address());
            System.out.flush();
            drain(System.in);
            System.out.println("STOPPED " + server.stats() + " running=" + server.isRunning());
        } finally {
            if (handler instanceof LedgerHandler l) {
                l.close();
            }
        }
        System.out.flush();
    }

    /**
     * Loads, without initialising, every class that the class path holds in a directory rather
     * than a jar: a jar stays open once read, but each class loaded later from a directory needs
     * a descriptor of its own, and under a descriptor limit there may be none.
     */
    private static void loadClassesOfDirectories() throws IOException {
        ClassLoader loader = StandaloneServer.class.getClassLoader();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator, -1)) {
            Path root = Path.of(entry);
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                    String name = root.relativize(file).toString().replace(File.separatorChar, '.');
                    name = name.substring(0, name.length() - ".class".length());
                    if (name.endsWith("module-info") || name.endsWith("package-info")) {
                        continue;
                    }
                    try {
                        Class.forName(name, false, loader);
                    } catch (ClassNotFoundException | LinkageError e) {
                        // a test class whose own dependencies are not here: the server does not need it
                    }
                }
            }
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[256];
        while (in.read(buffer) >= 0) {
            System.out.println("stdin: " + new String(buffer, StandardCharsets.UTF_8).strip());
        }
    }
}
