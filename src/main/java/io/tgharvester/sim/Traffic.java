package io.tgharvester.sim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What a sample said on the network: for each domain it contacted, a DNS lookup and then an HTTP GET to the domain's
 * address. analysis.json's network section and network.pcap are both drawn from this, so the two always agree.
 */
final class Traffic {
    static final String SANDBOX_IP = "198.51.100.10";
    static final String RESOLVER_IP = "192.0.2.53";
    static final String USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64)";

    /**
     * One network session: what each side sent, from {@code begin} to {@code end} in epoch seconds, and what
     * analysis.json says was decoded from it.
     */
    record Session(String transport, String service, String src, int srcPort, String dst, int dstPort,
                   byte[] request, byte[] response, long begin, long end, Decoded decoded) {
    }

    /** The protocol exchange of a session. */
    sealed interface Decoded permits DnsLookup, HttpGet {
    }

    /** An A query for {@code name} and its one answer. */
    record DnsLookup(int queryId, String name, String address) implements Decoded {
    }

    /** A GET of {@code path} from {@code host} on port 80, answered 200 with a body of {@code contentLength}. */
    record HttpGet(String host, String path, int contentLength) implements Decoded {
        /** The URL the way Threat Grid writes it, port included. */
        String url() {
            return "http://" + host + ":80" + path;
        }
    }

    private Traffic() {
    }

    static List<Session> of(SimulatedSample sample) {
        SimulatedAnalysis analysis = sample.analysis();
        SplittableRandom rnd = new SplittableRandom(sample.id().hashCode());
        long start = sample.runAt().getEpochSecond();
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < analysis.domains().size(); i++) {
            String domain = analysis.domains().get(i);
            String ip = analysis.ips().get(i);
            long at = start + 2L * i;
            DnsLookup lookup = new DnsLookup(0x1c00 + i, domain, ip);
            sessions.add(new Session("UDP", "dns", SANDBOX_IP, 49_152 + i, RESOLVER_IP, 53,
                    dnsQuery(lookup), dnsAnswer(lookup), at, at, lookup));
            byte[] download = new byte[256 + rnd.nextInt(768)];
            rnd.nextBytes(download);
            HttpGet get = new HttpGet(domain, "/" + sample.id().substring(0, 8) + "/update.bin", download.length);
            sessions.add(new Session("TCP", "http", SANDBOX_IP, 50_000 + i, ip, 80,
                    ascii("GET " + get.path() + " HTTP/1.1\r\nHost: " + domain + "\r\nUser-Agent: " + USER_AGENT
                            + "\r\nAccept: */*\r\n\r\n"),
                    concat(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                            + download.length + "\r\n\r\n"), download),
                    at, at + 1, get));
        }
        return sessions;
    }

    private static byte[] dnsQuery(DnsLookup lookup) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) (lookup.queryId() >> 8), (byte) lookup.queryId(), 0x01, 0x00, 0, 1, 0, 0,
            0, 0, 0, 0});
        out.writeBytes(question(lookup.name()));
        return out.toByteArray();
    }

    /** One A record, its name a pointer back to the question at offset 12. */
    private static byte[] dnsAnswer(DnsLookup lookup) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) (lookup.queryId() >> 8), (byte) lookup.queryId(), (byte) 0x81,
            (byte) 0x80, 0, 1, 0, 1, 0, 0, 0, 0});
        out.writeBytes(question(lookup.name()));
        out.writeBytes(new byte[] {(byte) 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x01, 0x2c, 0, 4});
        out.writeBytes(address(lookup.address()));
        return out.toByteArray();
    }

    private static byte[] question(String domain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String label : domain.split("\\.")) {
            out.write(label.length());
            out.writeBytes(ascii(label));
        }
        out.writeBytes(new byte[] {0, 0, 1, 0, 1});
        return out.toByteArray();
    }

    static byte[] address(String dotted) {
        String[] parts = dotted.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return bytes;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] head, byte[] tail) {
        byte[] out = new byte[head.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }
}
