/**
 * The native OS seam on Linux: every I/O style on raw system calls and epoll through {@code java.lang.foreign} (JDK
 * 22+; the provider itself is release 21, see {@link dev.pipelab.os.linux.LinuxPipeSystemProvider} for the two
 * releases in this module and for what runs on what).
 */
package dev.pipelab.os.linux;
