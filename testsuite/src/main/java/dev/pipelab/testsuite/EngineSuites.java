package dev.pipelab.testsuite;

import dev.pipelab.api.PipeServerFactory;

/**
 * The three suites an engine passes on a seam, over one factory: the contract, hostile clients,
 * and access. A module that carries the engines onto another seam (the native Linux seam, the
 * Windows seam) runs them with a subclass that names the engine's factory once and declares one
 * {@code @Nested} class of a line per suite:
 *
 * <pre>{@code
 * class OverlappedOnNativeSeamTest extends EngineSuites {
 *     protected PipeServerFactory factory() { return new OverlappedPipeServerFactory(); }
 *     @Nested class Contract extends ContractSuite {}
 *     @Nested class HostileClients extends HostileClientsSuite {}
 *     @Nested class Access extends AccessSuite {}
 * }
 * }</pre>
 *
 * The nested classes are the subclass's own, not inherited ones, so that test reports name the
 * engine and seam ({@code OverlappedOnNativeSeamTest$Contract}); what only that seam needs (an
 * assumption that it runs here, say) goes in a {@code @BeforeEach} of the subclass, which JUnit
 * runs before each nested test too.
 */
public abstract class EngineSuites {

    /** The engine under test; called once per test, so each test has its own factory. */
    protected abstract PipeServerFactory factory();

    /** {@link PipeServerContract} on this engine. */
    public abstract class ContractSuite extends PipeServerContract {
        @Override
        protected PipeServerFactory factory() {
            return EngineSuites.this.factory();
        }
    }

    /** {@link HostileClientContract} on this engine. */
    public abstract class HostileClientsSuite extends HostileClientContract {
        @Override
        protected PipeServerFactory factory() {
            return EngineSuites.this.factory();
        }
    }

    /** {@link AccessContract} on this engine. */
    public abstract class AccessSuite extends AccessContract {
        @Override
        protected PipeServerFactory factory() {
            return EngineSuites.this.factory();
        }
    }
}
