package io.tgharvester.bench;

import com.sun.net.httpserver.HttpServer;
import io.tgharvester.TestApi;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.artifacts.ArtifactFiles;
import io.tgharvester.config.ApiKey;
import io.tgharvester.config.ConfigLoader;
import io.tgharvester.config.HarvesterConfig.AuthMode;
import io.tgharvester.pipeline.ArtifactCollector;
import io.tgharvester.pipeline.RetryDelay;
import io.tgharvester.store.ArtifactStore;
import io.tgharvester.store.Database;
import io.tgharvester.store.SampleStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;

/**
 * Download throughput: the harvester's download stage (queue in H2, stream to .part, sha256, fsync, rename, row
 * update) fetching every artifact of a batch of succeeded samples from a loopback server, against curl fetching the
 * same URLs from the same server into files, in one process with connection reuse.
 */
final class DownloadBench {
    static final List<String> ARTIFACTS = List.of("analysis.json", "processes.json", "network.pcap", "video.webm");
    static final int SAMPLES = 8;
    static final int ARTIFACT_BYTES = 16 << 20;
    static final double TARGET = 0.9;
    private static final String KEY = "bench-key";

    private DownloadBench() {
    }

    static BenchTable run(Path work) throws Exception {
        byte[] body = new byte[ARTIFACT_BYTES];
        new Random(1).nextBytes(body);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/api/v2/samples/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            List<String> ids = new ArrayList<>();
            for (int n = 1; n <= SAMPLES; n++) {
                ids.add("%032x".formatted(n));
            }
            long total = (long) SAMPLES * ARTIFACTS.size() * ARTIFACT_BYTES;
            double curl = total / 1e6 / curlSeconds(base, ids, Files.createDirectories(work.resolve("curl")));
            List<String> others = new ArrayList<>();
            double atDefault = 0;
            int defaultConcurrency = new ConfigLoader(Map.of(), Optional.empty()).load(Optional.empty(),
                    Map.of("tg.api-key", KEY)).downloadConcurrency();
            for (int concurrency : List.of(1, defaultConcurrency, 8)) {
                double rate = total / 1e6 / harvesterSeconds(base, ids,
                        Files.createDirectories(work.resolve("data-" + concurrency)), concurrency);
                if (concurrency == defaultConcurrency) {
                    atDefault = rate;
                } else {
                    others.add(String.format(Locale.ROOT, "%d at a time: %.0f MB/s (%.2fx curl)", concurrency, rate,
                            rate / curl));
                }
            }
            return new BenchTable("download: artifact throughput from a loopback server",
                    List.of(new BenchRow("MB/s, " + defaultConcurrency + " at a time (default)", atDefault, curl,
                            TARGET, false, "")),
                    List.of(String.format(Locale.ROOT, "%d samples x %d artifacts of %d MiB (%,d MB); limit: curl"
                            + " fetching the same URLs into files (no hashing, no fsync). harvester.download."
                            + "concurrency %s.", SAMPLES, ARTIFACTS.size(), ARTIFACT_BYTES >> 20, total / 1_000_000,
                            String.join(", ", others))));
        } finally {
            server.stop(0);
        }
    }

    private static double harvesterSeconds(URI base, List<String> ids, Path dataDir, int concurrency) {
        try (Database db = Database.open(dataDir)) {
            new SampleStore(db, ARTIFACTS).storePage(ids.stream().map(DownloadBench::succeeded).toList(),
                    Instant.now());
            ThreatGridClient client = ThreatGridClient.connect(base, new ApiKey(KEY), AuthMode.HEADER,
                    Optional.empty(), Duration.ofSeconds(60), TestApi.PACKAGED_RETRIES);
            ArtifactCollector collector = new ArtifactCollector(client, new ArtifactStore(db),
                    new ArtifactFiles(dataDir), Clock.systemUTC(),
                    new RetryDelay(Duration.ofSeconds(5), Duration.ofHours(1), new Random()), concurrency);
            long t0 = System.nanoTime();
            collector.run();
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private static double curlSeconds(URI base, List<String> ids, Path dir) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "--silent", "--fail", "--header",
                "Authorization: bearer " + KEY));
        for (String id : ids) {
            for (String name : ARTIFACTS) {
                command.add(base + "/api/v2/samples/" + id + "/" + name);
                command.add("--output");
                command.add(dir.resolve(id + "-" + name).toString());
            }
        }
        long t0 = System.nanoTime();
        Process curl = new ProcessBuilder(command).inheritIO().start();
        if (curl.waitFor() != 0) {
            throw new IOException("curl failed with exit code " + curl.exitValue());
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static io.tgharvester.api.Sample succeeded(String id) {
        return new io.tgharvester.api.Sample(id, "succ", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(Instant.now()), Optional.empty(),
                Optional.of(Instant.now()), Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
