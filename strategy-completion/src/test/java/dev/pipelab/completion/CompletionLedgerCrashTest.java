package dev.pipelab.completion;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.LedgerCrashContract;

class CompletionLedgerCrashTest extends LedgerCrashContract {

    @Override
    protected PipeServerFactory factory() {
        return new CompletionPipeServerFactory();
    }
}
