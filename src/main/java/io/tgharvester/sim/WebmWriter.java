package io.tgharvester.sim;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A small structurally valid WebM recording: EBML header (DocType webm), and a Segment with Info, one VP8 video track
 * and a Cluster of SimpleBlocks, the first a key frame. Frame payloads are deterministic noise behind real VP8 frame
 * headers. Element sizes use the 8-byte EBML form, which every reader accepts and keeps the writer simple.
 */
final class WebmWriter {
    private static final int WIDTH = 64;
    private static final int HEIGHT = 48;
    private static final int FRAMES = 5;
    private static final int FRAME_MILLIS = 200;

    private WebmWriter() {
    }

    /** A recording of about {@code size} bytes where that is more than its compact size (its frames grown). */
    static byte[] video(int size, Noise noise) {
        int frameSize = Math.max(384, size / FRAMES);
        byte[] header = element(0x1A45DFA3, concat(
                uint(0x4286, 1), uint(0x42F7, 1), uint(0x42F2, 4), uint(0x42F3, 8),
                text(0x4282, "webm"), uint(0x4287, 4), uint(0x4285, 2)));
        byte[] info = element(0x1549A966, concat(
                uint(0x2AD7B1, 1_000_000),
                text(0x4D80, "tg-harvester simulator"), text(0x5741, "tg-harvester simulator"),
                element(0x4489, ByteBuffer.allocate(8).putDouble(FRAMES * FRAME_MILLIS).array())));
        byte[] tracks = element(0x1654AE6B, element(0xAE, concat(
                uint(0xD7, 1), uint(0x73C5, 1), uint(0x83, 1), text(0x86, "V_VP8"),
                element(0xE0, concat(uint(0xB0, WIDTH), uint(0xBA, HEIGHT))))));
        ByteArrayOutputStream blocks = new ByteArrayOutputStream();
        blocks.writeBytes(uint(0xE7, 0));
        for (int n = 0; n < FRAMES; n++) {
            byte[] frame = vp8Frame(n == 0, noise, n == 0 ? Math.max(1_536, frameSize) : frameSize);
            // track 1 as a one-byte vint, 16-bit timecode relative to the cluster, flags (0x80: key frame)
            byte[] block = ByteBuffer.allocate(4 + frame.length).put((byte) 0x81)
                    .putShort((short) (n * FRAME_MILLIS)).put((byte) (n == 0 ? 0x80 : 0)).put(frame).array();
            blocks.writeBytes(element(0xA3, block));
        }
        byte[] cluster = element(0x1F43B675, blocks.toByteArray());
        return concat(header, element(0x18538067, concat(info, tracks, cluster)));
    }

    /** RFC 6386 frame tag (key/inter, version 0, shown, first partition size), and for key frames the start code. */
    private static byte[] vp8Frame(boolean key, Noise noise, int size) {
        ByteBuffer frame = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        int headerSize = key ? 10 : 3;
        int tag = (key ? 0 : 1) | 1 << 4 | (size - headerSize) / 2 << 5;
        frame.put((byte) tag).put((byte) (tag >>> 8)).put((byte) (tag >>> 16));
        if (key) {
            frame.put((byte) 0x9d).put((byte) 0x01).put((byte) 0x2a)
                    .putShort((short) WIDTH).putShort((short) HEIGHT);
        }
        return frame.put(noise.bytes(size - headerSize)).array();
    }

    private static byte[] element(int id, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int idBytes = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;
        for (int i = idBytes - 1; i >= 0; i--) {
            out.write(id >>> (8 * i));
        }
        out.write(0x01); // marker of an 8-byte size: seven size bytes follow
        for (int shift = 48; shift >= 0; shift -= 8) {
            out.write((int) ((long) data.length >>> shift));
        }
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static byte[] uint(int id, long value) {
        return element(id, ByteBuffer.allocate(8).putLong(value).array());
    }

    private static byte[] text(int id, String value) {
        return element(id, value.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
