package io.tgharvester.sim;

import io.tgharvester.sim.Traffic.Session;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A classic libpcap capture (version 2.4, Ethernet) of a sample's network sessions: a DNS query and its answer, and
 * for HTTP a TCP handshake, the request, the response and its acknowledgement with matching sequence numbers. IPv4
 * header checksums are right; UDP and TCP checksums are left zero, which capture tools accept. A capture padded to a
 * size ends with that many bytes of further UDP datagrams of noise, as a sandbox's background traffic.
 */
final class PcapWriter {
    private static final byte[] SANDBOX_MAC = {0x52, 0x54, 0x00, 0x12, 0x35, 0x56};
    private static final byte[] GATEWAY_MAC = {0x52, 0x54, 0x00, 0x12, 0x35, 0x02};
    private static final int UDP = 17;
    private static final int TCP = 6;
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int PSH_ACK = 0x18;

    private PcapWriter() {
    }

    private static final int NOISE_DATAGRAM = 1_400;

    static byte[] capture(List<Session> sessions, int padTo, Noise noise) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65_535)
                .putInt(1).array());
        for (Session session : sessions) {
            if (session.transport().equals("UDP")) {
                udpExchange(out, session);
            } else {
                tcpExchange(out, session);
            }
        }
        long micros = sessions.isEmpty() ? 0 : sessions.get(sessions.size() - 1).end() * 1_000_000;
        while (out.size() < padTo) {
            byte[] payload = noise.bytes(NOISE_DATAGRAM);
            micros += 1_000;
            packet(out, micros, true, ipv4(Traffic.SANDBOX_IP, "203.0.113.9", UDP, udp(50_000, 443, payload)));
        }
        return out.toByteArray();
    }

    private static void udpExchange(ByteArrayOutputStream out, Session s) {
        long micros = s.begin() * 1_000_000;
        packet(out, micros, true, ipv4(s.src(), s.dst(), UDP, udp(s.srcPort(), s.dstPort(), s.request())));
        packet(out, micros + 18_000, false, ipv4(s.dst(), s.src(), UDP, udp(s.dstPort(), s.srcPort(), s.response())));
    }

    private static void tcpExchange(ByteArrayOutputStream out, Session s) {
        // after the DNS answer of the same second
        long micros = s.begin() * 1_000_000 + 40_000;
        long done = s.end() * 1_000_000;
        int client = 0x10000 * s.srcPort();
        int server = 0x3000000 + 0x100 * s.srcPort();
        byte[] none = new byte[0];
        int afterRequest = client + 1 + s.request().length;
        packet(out, micros, true, outbound(s, tcp(s.srcPort(), s.dstPort(), client, 0, SYN, none)));
        packet(out, micros + 30_000, false, inbound(s, tcp(s.dstPort(), s.srcPort(), server, client + 1,
                SYN | ACK, none)));
        packet(out, micros + 30_200, true, outbound(s, tcp(s.srcPort(), s.dstPort(), client + 1, server + 1, ACK,
                none)));
        packet(out, micros + 30_400, true, outbound(s, tcp(s.srcPort(), s.dstPort(), client + 1, server + 1, PSH_ACK,
                s.request())));
        packet(out, done, false, inbound(s, tcp(s.dstPort(), s.srcPort(), server + 1, afterRequest, PSH_ACK,
                s.response())));
        packet(out, done + 200, true, outbound(s, tcp(s.srcPort(), s.dstPort(), afterRequest,
                server + 1 + s.response().length, ACK, none)));
    }

    private static byte[] outbound(Session s, byte[] segment) {
        return ipv4(s.src(), s.dst(), TCP, segment);
    }

    private static byte[] inbound(Session s, byte[] segment) {
        return ipv4(s.dst(), s.src(), TCP, segment);
    }

    private static void packet(ByteArrayOutputStream out, long micros, boolean fromSandbox, byte[] ipPacket) {
        byte[] frame = ByteBuffer.allocate(14 + ipPacket.length)
                .put(fromSandbox ? GATEWAY_MAC : SANDBOX_MAC).put(fromSandbox ? SANDBOX_MAC : GATEWAY_MAC)
                .putShort((short) 0x0800).put(ipPacket).array();
        out.writeBytes(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000))
                .putInt(frame.length).putInt(frame.length).array());
        out.writeBytes(frame);
    }

    private static byte[] ipv4(String src, String dst, int protocol, byte[] payload) {
        ByteBuffer packet = ByteBuffer.allocate(20 + payload.length)
                .put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) 0)
                .putShort((short) 0x4000).put((byte) 64).put((byte) protocol).putShort((short) 0)
                .put(Traffic.address(src)).put(Traffic.address(dst)).put(payload);
        packet.putShort(10, headerChecksum(packet.array()));
        return packet.array();
    }

    /** RFC 791: ones' complement of the ones' complement sum of the header's 16-bit words. */
    private static short headerChecksum(byte[] packet) {
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((packet[i] & 0xFF) << 8) | (packet[i + 1] & 0xFF);
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (short) ~sum;
    }

    private static byte[] udp(int srcPort, int dstPort, byte[] payload) {
        return ByteBuffer.allocate(8 + payload.length).putShort((short) srcPort).putShort((short) dstPort)
                .putShort((short) (8 + payload.length)).putShort((short) 0).put(payload).array();
    }

    private static byte[] tcp(int srcPort, int dstPort, int seq, int ack, int flags, byte[] payload) {
        return ByteBuffer.allocate(20 + payload.length).putShort((short) srcPort).putShort((short) dstPort)
                .putInt(seq).putInt(ack).put((byte) 0x50).put((byte) flags)
                .putShort((short) 64_240).putShort((short) 0).putShort((short) 0).put(payload).array();
    }
}
