package io.tgharvester.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads a classic little-endian libpcap file of Ethernet frames, checking its framing on the way. */
final class PcapRecords {
    /** An IPv4 packet of one record: addresses as dotted text, the transport protocol and its payload. */
    record Packet(String src, String dst, int protocol, int srcPort, int dstPort, byte[] payload) {
    }

    private PcapRecords() {
    }

    static List<Packet> read(byte[] file) {
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, in.getInt(), "magic");
        assertEquals(2, in.getShort(), "major version");
        assertEquals(4, in.getShort(), "minor version");
        in.position(20);
        assertEquals(1, in.getInt(), "link type Ethernet");
        List<Packet> packets = new ArrayList<>();
        while (in.hasRemaining()) {
            in.getInt();
            assertTrue(in.getInt() < 1_000_000, "microseconds");
            int captured = in.getInt();
            assertEquals(captured, in.getInt(), "whole frames are captured");
            byte[] frame = new byte[captured];
            in.get(frame);
            packets.add(ipv4(ByteBuffer.wrap(frame)));
        }
        return packets;
    }

    private static Packet ipv4(ByteBuffer frame) {
        assertEquals(0x0800, frame.getShort(12) & 0xFFFF, "IPv4 ethertype");
        int ip = 14;
        assertEquals(0x45, frame.get(ip), "IPv4 without options");
        assertEquals(frame.limit() - ip, frame.getShort(ip + 2) & 0xFFFF, "IPv4 total length");
        int protocol = frame.get(ip + 9);
        int transport = ip + 20;
        int header = protocol == 17 ? 8 : ((frame.get(transport + 12) & 0xFF) >>> 4) * 4;
        if (protocol == 17) {
            assertEquals(frame.limit() - transport, frame.getShort(transport + 4) & 0xFFFF, "UDP length");
        }
        return new Packet(dotted(frame, ip + 12), dotted(frame, ip + 16), protocol,
                frame.getShort(transport) & 0xFFFF, frame.getShort(transport + 2) & 0xFFFF,
                Arrays.copyOfRange(frame.array(), transport + header, frame.limit()));
    }

    private static String dotted(ByteBuffer frame, int at) {
        return (frame.get(at) & 0xFF) + "." + (frame.get(at + 1) & 0xFF) + "." + (frame.get(at + 2) & 0xFF) + "."
                + (frame.get(at + 3) & 0xFF);
    }
}
