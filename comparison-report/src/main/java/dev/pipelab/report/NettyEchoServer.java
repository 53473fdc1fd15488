package dev.pipelab.report;

import dev.pipelab.api.PipeAddress;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * The reference row of the report: what a user would write instead of PipeLab, a Netty 4.2
 * epoll domain-socket server speaking the same frames, with one event loop (like the
 * single-thread engines). Each whole frame goes back as it came, so it is an echo server of
 * the PipeLab protocol. Prints {@code READY netty <path>} once clients can connect, and stops
 * on SIGTERM or SIGINT, exiting 0, just as {@code pipelab serve} does.
 */
public final class NettyEchoServer {

    /** The key of this server in the report, beside the engine keys. */
    public static final String KEY = "netty";

    private static final int MAX_FRAME_BYTES = 4 + (1 << 20);

    private NettyEchoServer() {}

    /**
     * Null when the reference can run where pipes are of kind {@code pipes}; else why not, for the
     * report's "n/a". Netty's epoll transport is Linux-only: it needs AF_UNIX sockets and epoll.
     */
    static String cannotRunWhere(PipeAddress.Kind pipes) {
        if (pipes != PipeAddress.Kind.UNIX_SOCKET) {
            return "Netty's epoll domain sockets are Linux-only, and this system's pipes are not AF_UNIX sockets";
        }
        return Epoll.isAvailable()
                ? null
                : "Netty's epoll domain sockets are Linux-only: " + Epoll.unavailabilityCause();
    }

    /** Writes each frame back, flushing once per batch of reads. */
    @ChannelHandler.Sharable
    private static final class EchoFrames extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object frame) {
            ChannelFuture unused = ctx.write(frame, ctx.voidPromise()); // flushed once per batch
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ChannelFuture unused = ctx.close(); // this client's connection only, as the engines do
        }
    }

    /** {@code NettyEchoServer --socket PATH}. */
    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !args[0].equals("--socket")) {
            throw new IllegalArgumentException("usage: NettyEchoServer --socket PATH");
        }
        Path socket = Path.of(args[1]);
        CountDownLatch stop = new CountDownLatch(1);
        for (String signal : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(signal), s -> stop.countDown());
        }
        EchoFrames echo = new EchoFrames();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerDomainSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME_BYTES, 0, 4, 0, 0), echo);
                        }
                    })
                    .bind(new DomainSocketAddress(socket.toString()))
                    .sync()
                    .channel();
            System.out.println("READY " + KEY + " " + socket);
            System.out.flush();
            stop.await();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            Files.deleteIfExists(socket);
        }
        System.out.println("stopped");
    }
}
