/** The OS seam on Linux and macOS: a pipe is an AF_UNIX stream socket, through the JDK's channels. */
module dev.pipelab.os.unix {
    requires transitive dev.pipelab.api;
    requires jdk.net;
    requires org.slf4j;

    exports dev.pipelab.os.unix;
    // The overlapped and completion styles over any transport: the native Linux seam shares them.
    exports dev.pipelab.os.unix.async to
            dev.pipelab.os.linux;
    // The blocking style over any stream: the native Linux seam shares it too.
    exports dev.pipelab.os.unix.blocking to
            dev.pipelab.os.linux;

    provides dev.pipelab.spi.os.PipeSystemProvider with
            dev.pipelab.os.unix.UnixPipeSystemProvider;
}
