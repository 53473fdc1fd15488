package dev.pipelab.testsuite;

import dev.pipelab.api.PipeServerFactory;
import org.junit.jupiter.api.Nested;

/**
 * The three suites an engine passes on a seam, over one factory: the contract, hostile clients,
 * and access. A module that carries the engines onto another seam (the native Linux seam, the
 * Windows seam) runs them with a subclass that names the engine's factory, and adds what only
 * that seam needs (an assumption that it runs here, say, in a {@code @BeforeEach}, which JUnit
 * runs before each nested test too).
 */
public abstract class EngineSuites {

    /** The engine under test; called once per test, so each test has its own factory. */
    protected abstract PipeServerFactory factory();

    /** {@link PipeServerContract} on this engine. */
    @Nested
    public class Contract extends PipeServerContract {
        @Override
        protected PipeServerFactory factory() {
            return EngineSuites.this.factory();
        }
    }

    /** {@link HostileClientContract} on this engine. */
    @Nested
    public class HostileClients extends HostileClientContract {
        @Override
        protected PipeServerFactory factory() {
            return EngineSuites.this.factory();
        }
    }

    /** {@link AccessContract} on this engine. */
    @Nested
    public class Access extends AccessContract {
        @Override
        protected PipeServerFactory factory() {
            return EngineSuites.this.factory();
        }
    }
}
