package dev.pipelab.cli;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.api.inject.PipeEngines;
import dev.pipelab.spi.os.PipeSystems;
import dev.pipelab.testsuite.EngineProperties;
import java.util.List;

/**
 * The property suite over every engine of this build, wired by Guice, on the NIO seam, named
 * explicitly: the CLI's class path has the native seam too, which is preferred where it can run,
 * and the suite on that one runs in {@code os-linux} ({@code EnginePropertiesOnNativeSeamTest},
 * over all four engines). Pinning it here keeps this suite on the transport
 * its figures and seeds have always described, wherever the tests run.
 */
class EnginePropertiesTest extends EngineProperties {

    @Override
    protected List<PipeServerFactory> engines() {
        return PipeEngines.keys().stream()
                .map(key -> PipeEngines.factory(key, PipeSystems.named("nio")))
                .toList();
    }
}
