package dev.pipelab.os.windows;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.overlapped.OverlappedPipeServerFactory;
import dev.pipelab.testsuite.EngineSuites;
import org.junit.jupiter.api.Nested;

/**
 * The overlapped engine's suites, unchanged, through the Windows seam: on the stand-in kernel32
 * (Linux, and wherever {@code pipelab.seam} is {@code windows-stand-in}), or on kernel32 itself
 * (on Windows, where the build sets {@code pipelab.seam} to {@code windows}).
 */
class OverlappedOnWindowsTest extends EngineSuites {

    @Override
    protected PipeServerFactory factory() {
        return new OverlappedPipeServerFactory();
    }

    @Nested
    class Contract extends ContractSuite {}

    @Nested
    class HostileClients extends HostileClientsSuite {}

    @Nested
    class Access extends AccessSuite {}
}
