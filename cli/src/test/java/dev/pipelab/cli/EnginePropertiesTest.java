package dev.pipelab.cli;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.api.inject.PipeEngines;
import dev.pipelab.testsuite.EngineProperties;
import java.util.List;

/** The property suite over every engine of this build. */
class EnginePropertiesTest extends EngineProperties {

    @Override
    protected List<PipeServerFactory> engines() {
        return PipeEngines.keys().stream().map(PipeEngines::factory).toList();
    }
}
