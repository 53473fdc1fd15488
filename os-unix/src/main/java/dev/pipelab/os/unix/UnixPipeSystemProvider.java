package dev.pipelab.os.unix;

import dev.pipelab.spi.os.PipeSystem;
import dev.pipelab.spi.os.PipeSystemProvider;
import java.io.File;
import java.util.Locale;
import java.util.Optional;

/**
 * Offers the NIO seam through {@link java.util.ServiceLoader}: AF_UNIX sockets through the JDK's
 * channels, available on Linux and macOS (and other Unix systems whose JDK has AF_UNIX channels),
 * not on Windows, whose pipes are a different thing with the same name. Its name is {@code nio};
 * {@code unix}, its name before the native Linux seam came, still picks it. Where the native seam
 * (pipelab-os-linux) can run, it is preferred to this one.
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

    /** This seam's name. */
    public static final String NAME = "nio";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean answersTo(String seam) {
        return NAME.equals(seam) || "unix".equals(seam);
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
