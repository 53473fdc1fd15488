/**
 * The blocking style of the Unix seams, whatever the transport under it: the JDK's blocking channels
 * ({@code dev.pipelab.os.unix}) or raw descriptors that park their callers ({@code dev.pipelab.os.linux}).
 */
package dev.pipelab.os.unix.blocking;
