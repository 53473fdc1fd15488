/**
 * The overlapped and completion styles of the Unix seams, whatever the transport under them: the JDK's
 * channels and Selector ({@code dev.pipelab.os.unix}) or raw epoll ({@code dev.pipelab.os.linux}).
 */
package dev.pipelab.os.unix.async;
