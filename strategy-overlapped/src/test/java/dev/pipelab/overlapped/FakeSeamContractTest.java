package dev.pipelab.overlapped;

import dev.pipelab.testsuite.fake.ScriptedSeamContract;

/** The seam's contract on the scripted overlapped seam the state-machine tests run on. */
class FakeSeamContractTest extends ScriptedSeamContract {

    FakeSeamContractTest() {
        super(new FakePipeSystem(), Style.OVERLAPPED);
    }
}
