package dev.pipelab.spi.os;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The seam the API's own tests run on (the OS modules are built after the API): it resolves
 * names and paths, and serves nothing. Found through the service file of the API's tests.
 */
public final class NamesOnlySeam implements PipeSystemProvider, PipeSystem {

    @Override
    public String name() {
        return "names-only";
    }

    @Override
    public Optional<String> unavailabilityCause() {
        return Optional.empty();
    }

    @Override
    public PipeSystem pipeSystem() {
        return this;
    }

    @Override
    public String describe() {
        return "names only, for the API's tests";
    }

    @Override
    public PipeAddress resolve(String spec) {
        String name = PipeAddress.nameIn(spec);
        return name != null
                ? new PipeAddress("/tmp/names-only/" + name + ".sock", PipeAddress.Kind.UNIX_SOCKET, true)
                : new PipeAddress(
                        Path.of(spec.strip()).toAbsolutePath().toString(), PipeAddress.Kind.UNIX_SOCKET, false);
    }

    @Override
    public ClientEnd connectClient(PipeAddress address, Duration timeout) {
        throw new UnsupportedOperationException(describe());
    }

    @Override
    public NamedPipe createNamedPipe(PipeServerConfig config) {
        throw new UnsupportedOperationException(describe());
    }

    @Override
    public OverlappedPipe createOverlappedPipe(PipeServerConfig config) {
        throw new UnsupportedOperationException(describe());
    }

    @Override
    public CompletionPipe createCompletionPipe(PipeServerConfig config) {
        throw new UnsupportedOperationException(describe());
    }
}
