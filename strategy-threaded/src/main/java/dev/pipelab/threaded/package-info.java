/** The {@code threaded} engine: one platform thread per pipe instance, blocking calls. */
package dev.pipelab.threaded;
