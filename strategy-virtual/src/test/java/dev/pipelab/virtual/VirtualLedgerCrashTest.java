package dev.pipelab.virtual;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.LedgerCrashContract;

class VirtualLedgerCrashTest extends LedgerCrashContract {

    @Override
    protected PipeServerFactory factory() {
        return new VirtualPipeServerFactory();
    }
}
