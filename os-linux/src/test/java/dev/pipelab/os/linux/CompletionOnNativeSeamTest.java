package dev.pipelab.os.linux;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.completion.CompletionPipeServerFactory;
import dev.pipelab.testsuite.AccessContract;
import dev.pipelab.testsuite.HostileClientContract;
import dev.pipelab.testsuite.PipeServerContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/**
 * The completion engine's suites, unchanged, on the native seam (epoll through java.lang.foreign),
 * which this module's build picks with {@code pipelab.seam=native}; the engine module runs the
 * same suites on the NIO seam. Skipped, with the cause, where the native seam cannot run.
 */
class CompletionOnNativeSeamTest {

    @BeforeEach
    void nativeSeamRunsHere() {
        NativeSeam.assumeSelected();
    }

    @Nested
    class Contract extends PipeServerContract {
        @Override
        protected PipeServerFactory factory() {
            return new CompletionPipeServerFactory();
        }
    }

    @Nested
    class HostileClients extends HostileClientContract {
        @Override
        protected PipeServerFactory factory() {
            return new CompletionPipeServerFactory();
        }
    }

    @Nested
    class Access extends AccessContract {
        @Override
        protected PipeServerFactory factory() {
            return new CompletionPipeServerFactory();
        }
    }
}
