package dev.pipelab.os.windows;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.completion.CompletionPipeServerFactory;
import dev.pipelab.testsuite.EngineSuites;
import org.junit.jupiter.api.Nested;

/**
 * The completion engine's suites, unchanged, through the Windows seam: on the stand-in kernel32
 * (Linux, and wherever {@code pipelab.seam} is {@code windows-stand-in}), or on kernel32 itself
 * (on Windows, where the build sets {@code pipelab.seam} to {@code windows}).
 */
class CompletionOnWindowsTest extends EngineSuites {

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
}
