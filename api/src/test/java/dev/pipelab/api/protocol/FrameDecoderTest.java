package dev.pipelab.api.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelab.api.PipeErrorException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

    private static ByteBuffer frames(String... payloads) {
        ByteBuffer all = ByteBuffer.allocate(1024);
        for (String p : payloads) {
            all.put(Frames.encode(p.getBytes(UTF_8)));
        }
        return all.flip();
    }

    private static List<String> decodeAll(FrameDecoder decoder, ByteBuffer in) throws Exception {
        List<String> out = new ArrayList<>();
        for (byte[] m; (m = decoder.decode(in)) != null || in.hasRemaining(); ) {
            if (m != null) {
                out.add(new String(m, UTF_8));
            }
        }
        return out;
    }

    @Test
    void decodesCoalescedFramesOneAtATime() throws Exception {
        FrameDecoder decoder = FrameDecoder.forServer(100);
        ByteBuffer in = frames("a", "", "bcd");
        assertThat(new String(decoder.decode(in), UTF_8)).isEqualTo("a");
        assertThat(decoder.decode(in)).isEmpty();
        assertThat(new String(decoder.decode(in), UTF_8)).isEqualTo("bcd");
        assertThat(decoder.decode(in)).isNull();
        assertThat(decoder.isMidFrame()).isFalse();
    }

    @Test
    void decodesFramesSplitAtEveryByte() throws Exception {
        FrameDecoder decoder = FrameDecoder.forServer(100);
        ByteBuffer all = frames("hello", "", "world");
        List<String> out = new ArrayList<>();
        while (all.hasRemaining()) {
            ByteBuffer one = ByteBuffer.wrap(new byte[] {all.get()});
            for (byte[] m; (m = decoder.decode(one)) != null; ) {
                out.add(new String(m, UTF_8));
            }
            assertThat(one.hasRemaining()).isFalse();
        }
        assertThat(out).containsExactly("hello", "", "world");
    }

    @Test
    void readsEveryByteOfTheLengthWordUnsignedWholeOrSplit() throws Exception {
        // 0x0001_80C8: each of its low bytes has the high bit set, which a signed byte would smear
        int length = 0x0001_80C8;
        byte[] payload = new byte[length];
        payload[length - 1] = 7;
        ByteBuffer frame = Frames.encode(payload);
        assertThat(FrameDecoder.forServer(length).decode(frame.duplicate())).isEqualTo(payload);
        FrameDecoder split = FrameDecoder.forServer(length);
        for (int i = 0; i < Frames.HEADER_BYTES; i++) {
            assertThat(split.decode(ByteBuffer.wrap(new byte[] {frame.get(i)}))).isNull();
            assertThat(split.isMidFrame()).isTrue();
        }
        assertThat(split.decode(frame.position(Frames.HEADER_BYTES))).isEqualTo(payload);
        assertThat(split.isMidFrame()).isFalse();
    }

    @Test
    void acceptsExactlyTheMaximumAndRejectsOneMoreAtTheLengthWord() throws Exception {
        FrameDecoder decoder = FrameDecoder.forServer(3);
        assertThat(decodeAll(decoder, frames("abc"))).containsExactly("abc");
        ByteBuffer tooLong = Frames.header(4);
        assertThatThrownBy(() -> decoder.decode(tooLong))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("message of 4 bytes exceeds maxMessageBytes=3");
    }

    @Test
    void rejectsTheReservedBitOnAServer() {
        FrameDecoder decoder = FrameDecoder.forServer(100);
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.allocate(4).putInt(0, 0x8000_0000)))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("reserved bit set in frame length word 0x80000000");
    }

    @Test
    void aHugeLengthIsRefusedWithoutAllocatingIt() {
        FrameDecoder decoder = FrameDecoder.forServer(Frames.DEFAULT_MAX_MESSAGE_BYTES);
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.allocate(4).putInt(0, Integer.MAX_VALUE)))
                .hasMessage("message of 2147483647 bytes exceeds maxMessageBytes=1048576");
    }

    @Test
    void aClientReadsTheErrorFrameReason() throws Exception {
        FrameDecoder decoder = FrameDecoder.forClient(100);
        ByteBuffer in = ByteBuffer.allocate(100)
                .put(Frames.encode("ok".getBytes(UTF_8)))
                .put(Frames.encodeError("message of 7 bytes exceeds maxMessageBytes=6"))
                .flip();
        assertThat(new String(decoder.decode(in), UTF_8)).isEqualTo("ok");
        assertThatThrownBy(() -> decoder.decode(in))
                .isInstanceOf(PipeErrorException.class)
                .hasMessage("message of 7 bytes exceeds maxMessageBytes=6");
    }

    @Test
    void tracksWhetherItIsInTheMiddleOfAFrame() throws Exception {
        FrameDecoder decoder = FrameDecoder.forServer(100);
        ByteBuffer frame = frames("xy");
        frame.limit(3);
        assertThat(decoder.decode(frame)).isNull();
        assertThat(decoder.isMidFrame()).isTrue();
        frame.limit(frame.capacity());
        frame.limit(6);
        assertThat(new String(decoder.decode(frame), UTF_8)).isEqualTo("xy");
        assertThat(decoder.isMidFrame()).isFalse();
    }
}
