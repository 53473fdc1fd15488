package dev.pipelab.spi.os;

/**
 * The three I/O styles of the seam ({@link PipeSystem}), as an engine uses one of them: which
 * seam serves an engine best can depend on it ({@link PipeSystemProvider#preference(IoStyle)}).
 */
public enum IoStyle {
    /** {@link NamedPipe} and {@link PipeInstance}: a thread in each call until it is done (threaded, virtual). */
    BLOCKING,
    /** {@link OverlappedPipe}: operations that finish later and set an event, one wait for any. */
    OVERLAPPED,
    /** {@link CompletionPipe}: operations whose routines run in the starting thread's alertable wait. */
    COMPLETION
}
