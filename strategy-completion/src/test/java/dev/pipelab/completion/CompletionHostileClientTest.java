package dev.pipelab.completion;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.HostileClientContract;

class CompletionHostileClientTest extends HostileClientContract {

    @Override
    protected PipeServerFactory factory() {
        return new CompletionPipeServerFactory();
    }
}
