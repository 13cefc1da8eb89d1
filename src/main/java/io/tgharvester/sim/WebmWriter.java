package io.tgharvester.sim;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * A small structurally valid WebM file: EBML header (DocType webm), Segment with Info, one VP8 video track and a
 * Cluster holding one SimpleBlock of deterministic payload. Element sizes use the 8-byte EBML form for simplicity.
 */
final class WebmWriter {
    private WebmWriter() {
    }

    static byte[] video(SimulatedSample sample) {
        byte[] header = element(0x1A45DFA3, concat(
                uint(0x4286, 1), uint(0x42F7, 1), uint(0x42F2, 4), uint(0x42F3, 8),
                element(0x4282, "webm".getBytes(StandardCharsets.US_ASCII)), uint(0x4287, 2), uint(0x4285, 2)));
        byte[] info = element(0x1549A966, concat(uint(0x2AD7B1, 1_000_000),
                element(0x4D80, "tg-harvester simulator".getBytes(StandardCharsets.US_ASCII)),
                element(0x5741, "tg-harvester simulator".getBytes(StandardCharsets.US_ASCII)),
                element(0x4489, ByteBuffer.allocate(8).putDouble(1000.0).array())));
        byte[] tracks = element(0x1654AE6B, element(0xAE, concat(uint(0xD7, 1), uint(0x73C5, 1), uint(0x83, 1),
                element(0x86, "V_VP8".getBytes(StandardCharsets.US_ASCII)),
                element(0xE0, concat(uint(0xB0, 64), uint(0xBA, 48))))));
        byte[] frame = new byte[2_048];
        new SplittableRandom(sample.id().hashCode()).nextBytes(frame);
        byte[] block = concat(new byte[] {(byte) 0x81, 0, 0, (byte) 0x80}, frame);
        byte[] cluster = element(0x1F43B675, concat(uint(0xE7, 0), element(0xA3, block)));
        return concat(header, element(0x18538067, concat(info, tracks, cluster)));
    }

    private static byte[] element(int id, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(id(id));
        out.write(0x01); // 8-byte size marker
        for (int shift = 48; shift >= 0; shift -= 8) {
            out.write((int) ((long) data.length >>> shift) & 0xFF);
        }
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static byte[] uint(int id, long value) {
        return element(id, ByteBuffer.allocate(8).putLong(value).array());
    }

    /** EBML ids carry their own length marker; write their significant bytes. */
    private static byte[] id(int id) {
        int bytes = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;
        byte[] out = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            out[i] = (byte) (id >>> (8 * (bytes - 1 - i)));
        }
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
