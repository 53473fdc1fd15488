/** The {@code completion} engine: one thread, completion routines run in an alertable wait. */
package dev.pipelab.completion;
