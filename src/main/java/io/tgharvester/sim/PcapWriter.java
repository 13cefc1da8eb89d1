package io.tgharvester.sim;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A classic libpcap capture (Ethernet) of what the analysis says the sample did: a DNS query per domain and a TCP
 * handshake plus an HTTP GET to its address. Checksums are left zero, as capture tools accept.
 */
final class PcapWriter {
    static final String SANDBOX_IP = "198.51.100.10";
    static final String DNS_IP = "192.0.2.53";
    private static final int UDP = 17;
    private static final int TCP = 6;

    private PcapWriter() {
    }

    static byte[] capture(SimulatedSample sample) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65_535)
                .putInt(1);
        out.writeBytes(header.array());
        long seconds = sample.runAt().getEpochSecond();
        SimulatedAnalysis analysis = sample.analysis();
        for (int i = 0; i < analysis.domains().size(); i++) {
            String domain = analysis.domains().get(i);
            String ip = analysis.ips().get(i);
            packet(out, seconds + i, ipv4(SANDBOX_IP, DNS_IP, UDP, udp(49_152 + i, 53, dnsQuery(i, domain))));
            packet(out, seconds + i + 1, ipv4(SANDBOX_IP, ip, TCP, tcp(50_000 + i, 80, 0x02, new byte[0])));
            packet(out, seconds + i + 1, ipv4(ip, SANDBOX_IP, TCP, tcp(80, 50_000 + i, 0x12, new byte[0])));
            byte[] get = ("GET /" + sample.id().substring(0, 8) + " HTTP/1.1\r\nHost: " + domain + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            packet(out, seconds + i + 2, ipv4(SANDBOX_IP, ip, TCP, tcp(50_000 + i, 80, 0x18, get)));
        }
        return out.toByteArray();
    }

    private static void packet(ByteArrayOutputStream out, long seconds, byte[] ipPacket) {
        byte[] frame = ByteBuffer.allocate(14 + ipPacket.length)
                .put(new byte[] {0x52, 0x54, 0, 0x12, 0x35, 0x02, 0x52, 0x54, 0, 0x12, 0x35, 0x56, 0x08, 0x00})
                .put(ipPacket).array();
        ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt((int) seconds).putInt(0).putInt(frame.length).putInt(frame.length);
        out.writeBytes(record.array());
        out.writeBytes(frame);
    }

    private static byte[] ipv4(String src, String dst, int protocol, byte[] payload) {
        return ByteBuffer.allocate(20 + payload.length)
                .put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) 0)
                .putShort((short) 0x4000).put((byte) 128).put((byte) protocol).putShort((short) 0)
                .put(address(src)).put(address(dst)).put(payload).array();
    }

    private static byte[] udp(int srcPort, int dstPort, byte[] payload) {
        return ByteBuffer.allocate(8 + payload.length).putShort((short) srcPort).putShort((short) dstPort)
                .putShort((short) (8 + payload.length)).putShort((short) 0).put(payload).array();
    }

    private static byte[] tcp(int srcPort, int dstPort, int flags, byte[] payload) {
        return ByteBuffer.allocate(20 + payload.length).putShort((short) srcPort).putShort((short) dstPort)
                .putInt(1_000).putInt(flags == 0x02 ? 0 : 1).put((byte) 0x50).put((byte) flags)
                .putShort((short) 64_240).putShort((short) 0).putShort((short) 0).put(payload).array();
    }

    private static byte[] dnsQuery(int id, String domain) {
        ByteArrayOutputStream q = new ByteArrayOutputStream();
        q.writeBytes(new byte[] {0, (byte) id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0});
        for (String label : domain.split("\\.")) {
            q.write(label.length());
            q.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        q.writeBytes(new byte[] {0, 0, 1, 0, 1});
        return q.toByteArray();
    }

    private static byte[] address(String dotted) {
        String[] parts = dotted.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return bytes;
    }
}
