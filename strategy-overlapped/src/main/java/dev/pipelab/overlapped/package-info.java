/** The {@code overlapped} engine: one thread, overlapped operations, one event per instance. */
package dev.pipelab.overlapped;
