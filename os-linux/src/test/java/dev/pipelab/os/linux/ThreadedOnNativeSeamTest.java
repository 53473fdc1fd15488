package dev.pipelab.os.linux;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.testsuite.EngineSuites;
import dev.pipelab.threaded.ThreadedPipeServerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/**
 * The threaded engine's suites, unchanged, on the native seam's blocking style (descriptors that park
 * their callers on the native poller), which this module's build picks with
 * {@code pipelab.seam=native}; the engine module runs the same suites on the NIO seam. Skipped,
 * with the cause, where the native seam cannot run.
 */
class ThreadedOnNativeSeamTest extends EngineSuites {

    @Override
    protected PipeServerFactory factory() {
        return new ThreadedPipeServerFactory();
    }

    @Nested
    class Contract extends ContractSuite {}

    @Nested
    class HostileClients extends HostileClientsSuite {}

    @Nested
    class Access extends AccessSuite {}

    @BeforeEach
    void nativeSeamRunsHere() {
        NativeSeam.assumeSelected();
    }
}
