package dev.pipelab.overlapped;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.LedgerCrashContract;

class OverlappedLedgerCrashTest extends LedgerCrashContract {

    @Override
    protected PipeServerFactory factory() {
        return new OverlappedPipeServerFactory();
    }
}
