package dev.pipelab.os.linux;

import dev.pipelab.spi.os.IoStyle;
import dev.pipelab.spi.os.PipeSystem;
import dev.pipelab.spi.os.PipeSystemProvider;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Locale;
import java.util.Optional;

/**
 * Offers the native Linux seam through {@link java.util.ServiceLoader}: every I/O style of the
 * seam on raw system calls (socket, bind, listen, accept4, connect, epoll edge-triggered, recv,
 * send, shutdown, SO_PEERCRED, eventfd) through {@code java.lang.foreign}, final since JDK 22. It
 * is available on Linux on x86-64 and aarch64 with JDK 22 or newer, and there it is preferred to
 * the NIO seam; elsewhere it says why not, and the NIO seam serves.
 *
 * <p><b>What runs on what.</b> Under {@code seam=native}, the {@code overlapped} and
 * {@code completion} engines run on an epoll instance of their server's, driven by their loop
 * thread. The blocking style, which the {@code threaded} and {@code virtual} engines use, and
 * the client's end run on non-blocking descriptors whose calls never block in the kernel: a call
 * that would block (accept4, recv or send says EAGAIN) parks the calling thread, and one
 * process-wide poller thread, on an edge-triggered epoll instance, unparks it. A virtual thread
 * blocked in a downcall would pin its carrier for as long as the call blocks; parked this way it
 * leaves its carrier free, as a blocking JDK channel does on the JDK's own poller, so the virtual
 * engine gains the raw calls without pinning. Names ({@code resolve}), the socket file's rules
 * and the framing of the blocking style are the NIO seam's ({@code os-unix}), shared.
 * {@code docs/NATIVE-SEAM.md} tells how parking and waking work.
 *
 * <p><b>Two releases in one module.</b> This class is compiled for release 21, like the rest of
 * PipeLab, so that it loads and answers on JDK 21 without touching a class of the
 * foreign-function API; everything that does ({@code src/main/java22}) is compiled by a second
 * compiler execution with {@code --release 22} into the same jar, and reached only by name, only
 * once this class has seen JDK 22 or newer. A multi-release jar would hide those classes from
 * JDK 21 too, but the tests and the {@code pipelab} command run from class directories, which
 * know nothing of {@code META-INF/versions}; one plain jar whose newer classes are never loaded
 * on an older JDK works the same from a directory and from a jar.
 */
public final class LinuxPipeSystemProvider implements PipeSystemProvider {

    /** This seam's name, for {@code --seam}, {@code PIPELAB_SEAM}, the config key {@code seam} and {@code pipelab.seam}. */
    public static final String NAME = "native";

    private static final String IMPLEMENTATION = "dev.pipelab.os.linux.LinuxPipeSystem";

    private final String osName;
    private final String osArch;
    private final int jdkFeature;

    /** The provider for this JVM. */
    public LinuxPipeSystemProvider() {
        this(
                System.getProperty("os.name", ""),
                System.getProperty("os.arch", ""),
                Runtime.version().feature());
    }

    LinuxPipeSystemProvider(String osName, String osArch, int jdkFeature) {
        this.osName = osName;
        this.osArch = osArch;
        this.jdkFeature = jdkFeature;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int preference() {
        return 10; // over the NIO seam's 0, where both can run
    }

    /**
     * Below the NIO seam for the blocking style, over it for the loops: measured
     * (docs/NATIVE-SEAM.md), the threaded engine, whose platform threads wait in the kernel on
     * both seams, is level with NIO here, and the virtual engine runs faster on the JDK's channels
     * (its threads park on either seam; the JDK's pollers hand a wake to the scheduler more
     * cheaply than this seam's one poller thread). {@code --seam native} still runs them here.
     */
    @Override
    public int preference(IoStyle style) {
        return style == IoStyle.BLOCKING ? -10 : preference();
    }

    @Override
    public Optional<String> unavailabilityCause() {
        if (!osName.toLowerCase(Locale.ROOT).equals("linux")) {
            return Optional.of("Linux only (this is " + osName + ")");
        }
        String arch = osArch.toLowerCase(Locale.ROOT);
        if (!(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
            return Optional.of("x86-64 or aarch64 only (this is " + osArch + ")");
        }
        if (jdkFeature < 22) {
            return Optional.of("needs JDK 22+ (java.lang.foreign); this is JDK " + jdkFeature);
        }
        return Optional.empty();
    }

    @Override
    public PipeSystem pipeSystem() {
        unavailabilityCause().ifPresent(cause -> {
            throw new UnsupportedOperationException("the native seam is not available: " + cause);
        });
        return Loaded.SEAM;
    }

    /** Loads the release-22 classes once, on first use, by name: this class never refers to them. */
    private static final class Loaded {
        static final PipeSystem SEAM = load();

        private static PipeSystem load() {
            try {
                Class<?> c = Class.forName(IMPLEMENTATION, true, LinuxPipeSystemProvider.class.getClassLoader());
                return (PipeSystem) MethodHandles.lookup()
                        .findStatic(c, "instance", MethodType.methodType(PipeSystem.class))
                        .invoke();
            } catch (RuntimeException | Error e) {
                throw new UnsupportedOperationException("the native seam failed to load: " + e, e);
            } catch (Throwable t) {
                throw new UnsupportedOperationException("the native seam failed to load: " + t, t);
            }
        }
    }

    @Override
    public String toString() {
        return "LinuxPipeSystemProvider[" + osName + ", " + osArch + ", JDK " + jdkFeature + "]";
    }
}
