package dev.pipelab.completion;

import dev.pipelab.api.HandlerConcurrency;
import dev.pipelab.api.PipeHandler;
import dev.pipelab.api.PipeServer;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.api.os.PipeSystem;
import jakarta.inject.Inject;
import java.util.Objects;
import java.util.Optional;

/** Makes {@link CompletionPipeServer}s. Runs wherever the OS seam does. */
public final class CompletionPipeServerFactory implements PipeServerFactory {

    private final PipeSystem pipes;

    /** A factory over the OS seam of this machine. */
    public CompletionPipeServerFactory() {
        this(PipeSystem.forThisOs());
    }

    /** A factory over the given OS seam. */
    @Inject
    public CompletionPipeServerFactory(PipeSystem pipes) {
        this.pipes = Objects.requireNonNull(pipes, "pipes");
    }

    @Override
    public String key() {
        return CompletionPipeServer.KEY;
    }

    @Override
    public HandlerConcurrency handlerConcurrency() {
        return HandlerConcurrency.ONE_AT_A_TIME;
    }

    @Override
    public Optional<String> unavailabilityCause() {
        return Optional.empty();
    }

    @Override
    public PipeServer create(PipeServerConfig config, PipeHandler handler) {
        return new CompletionPipeServer(Objects.requireNonNull(config, "config"), Objects.requireNonNull(handler, "handler"),
                pipes);
    }
}
