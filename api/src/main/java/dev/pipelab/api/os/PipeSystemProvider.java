package dev.pipelab.api.os;

import com.google.inject.Provider;

/** Guice's default {@link PipeSystem}: the one for this OS. Tests may bind another. */
final class PipeSystemProvider implements Provider<PipeSystem> {

    @Override
    public PipeSystem get() {
        return PipeSystem.forThisOs();
    }
}
