package dev.pipelab.spi.os;

/**
 * A manual-reset event, as CreateEvent(bManualReset=TRUE) makes: it stays signalled until
 * reset. Starting an overlapped operation resets its event, finishing it sets it.
 */
public interface PipeEvent {

    /** SetEvent: signals the event; safe from any thread, and wakes the waiting thread. */
    void set();

    /** ResetEvent. */
    void reset();

    /** True while signalled. */
    boolean isSet();
}
