/** The OS seam on Windows: real named pipes on kernel32, through JNA. */
module dev.pipelab.os.windows {
    requires transitive dev.pipelab.api;
    requires com.sun.jna;
    requires com.sun.jna.platform;
    requires org.slf4j;

    exports dev.pipelab.os.windows;

    // JNA builds the proxy of Kernel32Calls and calls its callbacks reflectively.
    opens dev.pipelab.os.windows to
            com.sun.jna;

    provides dev.pipelab.spi.os.PipeSystemProvider with
            dev.pipelab.os.windows.WindowsPipeSystemProvider;
}
