package dev.pipelab.os.windows;

import dev.pipelab.spi.os.PipeSystem;
import dev.pipelab.spi.os.PipeSystemProvider;
import java.util.Optional;

/**
 * The Windows seam on the stand-in kernel32, as a seam provider: this module's tests run with
 * {@code -Dpipelab.seam=windows-stand-in}, so that servers, {@code PipeClient} and the suites all
 * use the real Windows seam code, on one simulated kernel shared by the whole test JVM. The
 * {@link PinningGuard} fails any call that would pin a virtual thread's carrier on Windows.
 */
public final class StandInPipeSystemProvider implements PipeSystemProvider {

    static final StandInKernel32 KERNEL = new StandInKernel32();
    static final StandInAccounts ACCOUNTS = new StandInAccounts();
    static final WindowsPipeSystem SEAM = new WindowsPipeSystem(PinningGuard.around(KERNEL), ACCOUNTS);

    @Override
    public String name() {
        return "windows-stand-in";
    }

    @Override
    public Optional<String> unavailabilityCause() {
        return Optional.empty();
    }

    @Override
    public PipeSystem pipeSystem() {
        return SEAM;
    }
}
