package dev.pipelab.os.unix;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.pipelab.api.protocol.FrameDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/** What a test's raw client receives: whole text messages, decoded as PipeLab's own client does. */
final class ClientReplies {

    private ClientReplies() {}

    /** The next {@code n} messages to {@code client}, or fewer if the server closes first; blocks for them. */
    static List<String> read(SocketChannel client, int n) throws IOException {
        client.configureBlocking(true);
        FrameDecoder decoder = FrameDecoder.forClient(1024);
        ByteBuffer in = ByteBuffer.allocate(1024).flip();
        List<String> replies = new ArrayList<>();
        while (replies.size() < n) {
            byte[] reply = decoder.decode(in);
            if (reply != null) {
                replies.add(new String(reply, UTF_8));
                continue;
            }
            in.clear();
            if (client.read(in) < 0) {
                break;
            }
            in.flip();
        }
        return replies;
    }
}
