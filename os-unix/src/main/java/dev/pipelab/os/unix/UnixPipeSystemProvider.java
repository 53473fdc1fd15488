package dev.pipelab.os.unix;

import dev.pipelab.spi.os.PipeSystem;
import dev.pipelab.spi.os.PipeSystemProvider;
import java.io.File;
import java.util.Locale;
import java.util.Optional;

/**
 * Offers the Unix seam through {@link java.util.ServiceLoader}: available on Linux and macOS
 * (and other Unix systems whose JDK has AF_UNIX channels), not on Windows, whose pipes are a
 * different thing with the same name.
 */
public final class UnixPipeSystemProvider implements PipeSystemProvider {

    private final String osName;

    /** The provider for this JVM's operating system. */
    public UnixPipeSystemProvider() {
        this(System.getProperty("os.name", ""));
    }

    UnixPipeSystemProvider(String osName) {
        this.osName = osName;
    }

    @Override
    public String name() {
        return "unix";
    }

    @Override
    public Optional<String> unavailabilityCause() {
        if (osName.toLowerCase(Locale.ROOT).startsWith("windows") || File.separatorChar != '/') {
            return Optional.of("this is " + osName + ", not a Unix system; Windows named pipes are the Windows seam's");
        }
        return Optional.empty();
    }

    @Override
    public PipeSystem pipeSystem() {
        unavailabilityCause().ifPresent(cause -> {
            throw new UnsupportedOperationException("the Unix seam is not available: " + cause);
        });
        return UnixPipeSystem.INSTANCE;
    }

    @Override
    public String toString() {
        return "UnixPipeSystemProvider[" + osName + "]";
    }
}
