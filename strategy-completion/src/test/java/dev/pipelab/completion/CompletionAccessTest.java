package dev.pipelab.completion;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.AccessContract;

class CompletionAccessTest extends AccessContract {

    @Override
    protected PipeServerFactory factory() {
        return new CompletionPipeServerFactory();
    }
}
