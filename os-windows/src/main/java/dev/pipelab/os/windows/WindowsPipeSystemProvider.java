package dev.pipelab.os.windows;

import dev.pipelab.spi.os.PipeSystem;
import dev.pipelab.spi.os.PipeSystemProvider;
import java.util.Locale;
import java.util.Optional;

/**
 * Offers the Windows seam through {@link java.util.ServiceLoader}: available on Windows, where
 * JNA binds kernel32; on any other OS it says so and loads nothing.
 */
public final class WindowsPipeSystemProvider implements PipeSystemProvider {

    private final String osName;

    /** The provider for this JVM's operating system. */
    public WindowsPipeSystemProvider() {
        this(System.getProperty("os.name", ""));
    }

    WindowsPipeSystemProvider(String osName) {
        this.osName = osName;
    }

    @Override
    public String name() {
        return "windows";
    }

    @Override
    public Optional<String> unavailabilityCause() {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("windows")) {
            return Optional.of("this is " + osName + ", not Windows; its pipes are the Unix seam's AF_UNIX sockets");
        }
        return Optional.empty();
    }

    @Override
    public PipeSystem pipeSystem() {
        unavailabilityCause().ifPresent(cause -> {
            throw new UnsupportedOperationException("the Windows seam is not available: " + cause);
        });
        return Loaded.SEAM;
    }

    @Override
    public String toString() {
        return "WindowsPipeSystemProvider[" + osName + "]";
    }

    /** kernel32 is bound on first use only, so that finding the provider loads no native code. */
    private static final class Loaded {
        static final PipeSystem SEAM = new WindowsPipeSystem(Kernel32Calls.load(), JnaAccounts.INSTANCE);
    }
}
