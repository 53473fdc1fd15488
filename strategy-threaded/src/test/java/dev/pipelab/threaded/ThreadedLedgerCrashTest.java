package dev.pipelab.threaded;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.LedgerCrashContract;

class ThreadedLedgerCrashTest extends LedgerCrashContract {

    @Override
    protected PipeServerFactory factory() {
        return new ThreadedPipeServerFactory();
    }
}
