/** The OS seam on Linux and macOS: a pipe is an AF_UNIX stream socket, through the JDK's channels. */
module dev.pipelab.os.unix {
    requires transitive dev.pipelab.api;
    requires jdk.net;
    requires org.slf4j;

    exports dev.pipelab.os.unix;

    provides dev.pipelab.spi.os.PipeSystemProvider with
            dev.pipelab.os.unix.UnixPipeSystemProvider;
}
