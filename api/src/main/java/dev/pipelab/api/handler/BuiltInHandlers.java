package dev.pipelab.api.handler;

import dev.pipelab.api.HandlerConcurrency;
import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.PipeServerConfig;
import java.nio.file.Path;
import java.util.List;

/** The built-in handlers by name, as {@code --handler} and configuration name them. */
public final class BuiltInHandlers {

    /** The handler used when none is named. */
    public static final String DEFAULT = "echo";

    private static final List<String> NAMES = List.of("answer", "broadcast", "counter", "echo");

    private BuiltInHandlers() {}

    /** The names of every built-in handler. */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * A new handler of the given name, for a server of {@code config} whose engine calls
     * handlers as {@code concurrency} says.
     *
     * @param counterFile the counter's file; null for the default, beside the socket
     * @throws IllegalArgumentException naming the known handlers, for an unknown name
     */
    public static PipeHandler create(
            String name, HandlerConcurrency concurrency, PipeServerConfig config, Path counterFile) {
        return switch (name) {
            case "echo" -> new EchoHandler();
            case "answer" -> new AnswerHandler();
            case "broadcast" -> new BroadcastHandler(concurrency);
            case "counter" ->
                new CounterHandler(concurrency, counterFile != null ? counterFile : defaultCounterFile(config));
            default ->
                throw new IllegalArgumentException(
                        "unknown handler '" + name + "'; known: " + String.join(", ", NAMES));
        };
    }

    /** The counter's file when none is named: beside the socket, in its private directory. */
    public static Path defaultCounterFile(PipeServerConfig config) {
        return besideSocket(config, "counter");
    }

    /**
     * A handler's file beside the socket, {@code <socket>.<suffix>}, in the socket's private
     * directory; where the pipe is no socket file (Windows), {@code <temp dir>/pipelab-<suffix>}.
     */
    public static Path besideSocket(PipeServerConfig config, String suffix) {
        if (config.address().kind() == PipeAddress.Kind.UNIX_SOCKET) {
            return Path.of(config.address().value() + "." + suffix);
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "pipelab-" + suffix);
    }
}
