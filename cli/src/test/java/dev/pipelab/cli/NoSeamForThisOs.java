package dev.pipelab.cli;

import dev.pipelab.spi.os.PipeSystem;
import dev.pipelab.spi.os.PipeSystemProvider;
import java.util.Optional;

/**
 * An OS seam that never runs: it stands in, in the CLI's tests, for a machine whose operating
 * system PipeLab has no seam for. Where the Unix seam is on the class path too, that one is
 * picked and this one only waits in the list.
 */
public final class NoSeamForThisOs implements PipeSystemProvider {

    static final String CAUSE = "stands in for an operating system PipeLab has no seam for";

    @Override
    public String name() {
        return "test-os";
    }

    @Override
    public Optional<String> unavailabilityCause() {
        return Optional.of(CAUSE);
    }

    @Override
    public PipeSystem pipeSystem() {
        throw new UnsupportedOperationException("not available: " + CAUSE);
    }
}
