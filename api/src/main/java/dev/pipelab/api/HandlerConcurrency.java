package dev.pipelab.api;

/** How an engine calls its handler, which decides whether shared handler state needs a lock. */
public enum HandlerConcurrency {

    /** Handler methods run concurrently for different sessions ({@code threaded}, {@code virtual}). */
    CONCURRENT,

    /**
     * Every handler call runs on one loop thread, one at a time ({@code overlapped},
     * {@code completion}): shared state needs no lock, and the handler must not block.
     */
    ONE_AT_A_TIME
}
