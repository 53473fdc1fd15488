package dev.pipelab.api.handler;

import dev.pipelab.api.PipeHandler;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** The built-in handlers by name, as {@code --handler} and configuration name them. */
public final class BuiltInHandlers {

    /** The handler used when none is named. */
    public static final String DEFAULT = "echo";

    private static final Map<String, Supplier<PipeHandler>> HANDLERS = new TreeMap<>(Map.of(
            "echo", EchoHandler::new,
            "answer", AnswerHandler::new));

    private BuiltInHandlers() {
    }

    /** The names of every built-in handler. */
    public static List<String> names() {
        return List.copyOf(HANDLERS.keySet());
    }

    /**
     * A new handler of the given name.
     *
     * @throws IllegalArgumentException naming the known handlers, for an unknown name
     */
    public static PipeHandler create(String name) {
        Supplier<PipeHandler> handler = HANDLERS.get(name);
        if (handler == null) {
            throw new IllegalArgumentException("unknown handler '" + name + "'; known: " + String.join(", ", names()));
        }
        return handler.get();
    }
}
