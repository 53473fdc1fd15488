package dev.pipelab.os.linux;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.completion.CompletionPipeServerFactory;
import dev.pipelab.testsuite.EngineSuites;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/**
 * The completion engine's suites, unchanged, on the native seam (epoll through java.lang.foreign),
 * which this module's build picks with {@code pipelab.seam=native}; the engine module runs the
 * same suites on the NIO seam. Skipped, with the cause, where the native seam cannot run.
 */
class CompletionOnNativeSeamTest extends EngineSuites {

    @Override
    protected PipeServerFactory factory() {
        return new CompletionPipeServerFactory();
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
