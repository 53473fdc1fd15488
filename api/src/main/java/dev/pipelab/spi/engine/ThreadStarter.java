package dev.pipelab.spi.engine;

/** Starts a named thread of one kind: the only difference between the two blocking engines. */
@FunctionalInterface
public interface ThreadStarter {

    /** Starts {@code task} on a new thread called {@code name}. */
    Thread start(String name, Runnable task);

    /** Platform (kernel) threads. */
    static ThreadStarter platform() {
        return (name, task) -> Thread.ofPlatform().name(name).start(task);
    }

    /** Virtual threads. */
    static ThreadStarter virtual() {
        return (name, task) -> Thread.ofVirtual().name(name).start(task);
    }
}
