/**
 * The native OS seam on Linux: the overlapped and completion styles on epoll through {@code java.lang.foreign} (JDK
 * 22+; the provider itself is release 21, see {@link dev.pipelab.os.linux.LinuxPipeSystemProvider} for the two
 * releases in this module and for what runs on the NIO seam under it).
 */
package dev.pipelab.os.linux;
