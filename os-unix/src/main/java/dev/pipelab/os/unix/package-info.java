/** The OS seam on Linux and macOS: AF_UNIX stream sockets through the JDK's channels. */
package dev.pipelab.os.unix;
