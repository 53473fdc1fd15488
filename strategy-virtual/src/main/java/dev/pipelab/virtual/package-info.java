/** The {@code virtual} engine: one virtual thread per client over plain blocking calls. */
package dev.pipelab.virtual;
