/**
 * The native OS seam on Linux (x86-64, aarch64; JDK 22+): AF_UNIX sockets and epoll through raw system calls with
 * {@code java.lang.foreign}, under the NIO seam's state machine.
 */
module dev.pipelab.os.linux {
    requires transitive dev.pipelab.api;
    requires dev.pipelab.os.unix;
    requires org.slf4j;

    provides dev.pipelab.spi.os.PipeSystemProvider with
            dev.pipelab.os.linux.LinuxPipeSystemProvider;
}
