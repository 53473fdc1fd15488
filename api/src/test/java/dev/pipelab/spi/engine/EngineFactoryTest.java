package dev.pipelab.spi.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.pipelab.api.HandlerConcurrency;
import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.api.PipeServerFactory;
import dev.pipelab.api.handler.EchoHandler;
import dev.pipelab.api.inject.PipeEngineModule;
import dev.pipelab.api.inject.PipeEngineSelectionModule;
import dev.pipelab.spi.os.IoStyle;
import dev.pipelab.spi.os.PipeSystemProvider;
import dev.pipelab.spi.os.PipeSystems;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An engine on an OS without a seam: its factory says "not available" and why, through Guice as
 * directly, and creates nothing; nothing fails while the factory is built.
 */
class EngineFactoryTest {

    private static final String CAUSE = "no OS seam on the class path: add pipelab-os-unix (Linux, macOS)";
    private static final AtomicInteger constructed = new AtomicInteger();

    /** An engine whose constructor counts, so a test sees that none was built. */
    static final class CountingFactory extends EngineFactory {
        @Inject
        CountingFactory(PipeSystemProvider seam) {
            super("counting", HandlerConcurrency.ONE_AT_A_TIME, seam, (config, handler, pipes) -> {
                constructed.incrementAndGet();
                throw new AssertionError("an unavailable engine must not be constructed");
            });
        }
    }

    static final class CountingModule extends PipeEngineModule {
        CountingModule() {
            super("counting", IoStyle.BLOCKING, CountingFactory.class);
        }
    }

    @Test
    void anEngineOnASeamThatIsNotAvailableSaysSoAndCreatesNothing() {
        PipeServerFactory factory = new CountingFactory(PipeSystems.unavailable("none", CAUSE));

        assertThat(factory.isAvailable()).isFalse();
        assertThat(factory.unavailabilityCause()).hasValue(CAUSE);
        assertThatThrownBy(() ->
                        factory.create(PipeServerConfig.builder("/tmp/x.sock").build(), new EchoHandler()))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("the counting engine is not available: " + CAUSE);
        assertThat(constructed).hasValue(0);
    }

    @Test
    void guiceBuildsTheFactoryOfAnUnavailableEngineWithoutAProvisionError() {
        Injector injector = Guice.createInjector(
                new CountingModule(), new PipeEngineSelectionModule("counting"), new AbstractModule() {
                    @Override
                    protected void configure() {
                        bind(PipeSystemProvider.class).toInstance(PipeSystems.unavailable("none", CAUSE));
                    }
                });

        PipeServerFactory factory = injector.getInstance(PipeServerFactory.class);

        assertThat(factory.unavailabilityCause()).hasValue(CAUSE);
    }

    @Test
    void byDefaultGuiceGivesTheFactoryTheSeamFoundOnTheClassPath() {
        Injector injector = Guice.createInjector(new CountingModule(), new PipeEngineSelectionModule("counting"));

        assertThat(injector.getInstance(PipeServerFactory.class).isAvailable()).isTrue();
        assertThat(injector.getInstance(PipeServerFactory.class)).hasToString("CountingFactory[counting, names-only]");
    }
}
