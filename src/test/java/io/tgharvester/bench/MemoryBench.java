package io.tgharvester.bench;

import com.sun.net.httpserver.HttpServer;
import io.tgharvester.correlate.BigAnalysis;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Executors;

/**
 * Memory: a JVM with {@code -Xmx256m} downloads a 2 GB network.pcap through the download stage, then another parses
 * a 200 MB analysis.json into the correlation tables; their resident set is sampled from /proc every 100 ms. Both
 * must finish, and the peak must stay under the heap limit plus the JVM's own overhead, whatever the file's size.
 */
final class MemoryBench {
    static final long PCAP_BYTES = 2L << 30;
    static final long ANALYSIS_BYTES = 200L << 20;
    static final String HEAP = "-Xmx256m";
    /** 256 MB of heap plus 256 MB for the JVM itself (code, metaspace, threads, H2's page cache off-heap). */
    static final double LIMIT_MB = 512;

    private MemoryBench() {
    }

    static BenchTable run(Path work) throws Exception {
        HttpServer server = pcapServer();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            Probe download = probe("download", base, Files.createDirectories(work.resolve("download")));
            Path analysis = work.resolve("analysis.json");
            BigAnalysis.write(analysis, ANALYSIS_BYTES);
            Probe parse = probe("parse", analysis.toString(), Files.createDirectories(work.resolve("parse")));
            long stored = Files.size(work.resolve("download").resolve("artifacts").resolve(MemoryProbe.SAMPLE)
                    .resolve("network.pcap"));
            if (stored != PCAP_BYTES) {
                throw new IllegalStateException("the download stored " + stored + " bytes, not " + PCAP_BYTES);
            }
            return new BenchTable("memory: peak resident set with " + HEAP,
                    List.of(new BenchRow("peak RSS, 2 GiB network.pcap download", download.peakMb, LIMIT_MB, 1, true,
                                    "MB"),
                            new BenchRow("peak RSS, 200 MiB analysis.json parse", parse.peakMb, LIMIT_MB, 1, true,
                                    "MB")),
                    List.of(String.format(Locale.ROOT, "limit: the 256 MB heap plus 256 MB for the JVM itself."
                            + " RSS over the download, by quarter: %s MB; over the parse: %s MB (%.0f s).",
                            download.quarters(), parse.quarters(), parse.seconds)));
        } finally {
            server.stop(0);
        }
    }

    /** Serves PCAP_BYTES from a 1 MiB buffer, so the server itself holds no file. */
    private static HttpServer pcapServer() throws IOException {
        byte[] chunk = new byte[1 << 20];
        new Random(3).nextBytes(chunk);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        server.createContext("/api/v2/samples/", exchange -> {
            exchange.sendResponseHeaders(200, PCAP_BYTES);
            try (OutputStream out = exchange.getResponseBody()) {
                for (long sent = 0; sent < PCAP_BYTES; sent += chunk.length) {
                    out.write(chunk);
                }
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        return server;
    }

    /** One child run and its RSS samples in MB. */
    private record Probe(List<Double> samples, double peakMb, double seconds) {
        String quarters() {
            List<String> out = new ArrayList<>();
            for (int q = 1; q <= 4; q++) {
                out.add(String.format(Locale.ROOT, "%.0f", samples.get(Math.max(0, samples.size() * q / 4 - 1))));
            }
            return String.join(" / ", out);
        }
    }

    private static Probe probe(String mode, String source, Path dataDir) throws Exception {
        String classpath = System.getProperty("java.class.path");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
                "-Dh2.bindAddress=127.0.0.1", "-cp", classpath, MemoryProbe.class.getName(), mode, source,
                dataDir.toString()).redirectErrorStream(true)
                .redirectOutput(dataDir.resolveSibling(mode + ".log").toFile()).start();
        Path status = Path.of("/proc", String.valueOf(child.pid()), "status");
        List<Double> samples = new ArrayList<>();
        long t0 = System.nanoTime();
        while (child.isAlive()) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmRSS:")) {
                        samples.add(Double.parseDouble(line.replaceAll("[^0-9]", "")) / 1024);
                    }
                }
            } catch (IOException exited) {
                // the child ended between the check and the read
            }
            Thread.sleep(100);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (child.exitValue() != 0) {
            throw new IllegalStateException(mode + " failed with " + HEAP + ", exit code " + child.exitValue()
                    + "; see " + dataDir.resolveSibling(mode + ".log"));
        }
        return new Probe(samples, samples.stream().mapToDouble(Double::doubleValue).max().orElse(0), seconds);
    }
}
