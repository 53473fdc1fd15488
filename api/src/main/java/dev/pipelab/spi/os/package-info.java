/**
 * The OS seam, for whoever writes an OS module or an engine: named-pipe operations in the Win32
 * vocabulary, one implementation per OS, found through {@link dev.pipelab.spi.os.PipeSystemProvider}.
 * Not an application API: applications use {@code dev.pipelab.api}.
 */
package dev.pipelab.spi.os;
