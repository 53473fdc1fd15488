package dev.pipelab.spi.engine;

/** What a server's periodic sweep should do about one session. */
public enum SessionDue {

    /** Nothing yet. */
    NOTHING,

    /** It has sent nothing for the idle timeout: close it gracefully. */
    CLOSE_IDLE,

    /** It has been closing for longer than the grace period: disconnect it now. */
    DISCONNECT
}
