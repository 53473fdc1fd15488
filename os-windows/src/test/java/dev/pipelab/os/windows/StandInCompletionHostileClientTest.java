package dev.pipelab.os.windows;

import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.completion.CompletionPipeServerFactory;
import dev.pipelab.testsuite.HostileClientContract;
import org.junit.jupiter.api.Tag;

/** The completion engine against hostile clients, through the Windows seam on the stand-in kernel32. */
@Tag("windows-engines") // not yet passing: left out of mvn verify until it does (see the README)
class StandInCompletionHostileClientTest extends HostileClientContract {

    @Override
    protected PipeServerFactory factory() {
        return new CompletionPipeServerFactory();
    }
}
