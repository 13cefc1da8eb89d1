package io.tgharvester.bench;

import io.tgharvester.config.ConfigLoader;
import io.tgharvester.sim.ArtifactSizes;
import io.tgharvester.sim.SimulatedSample;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import java.io.IOException;
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
import java.util.stream.Stream;

/**
 * Backlog: N finished samples with a real backlog's artifact size mix ({@link ArtifactSizes#BACKLOG_MIX}) on the
 * loopback simulator (default page cap and order), harvested in the same run by {@code run --once} (through
 * scripts/tg-harvester, shipped defaults), by {@link NaiveHarvest} (a child JVM: list, then each artifact in turn, no fsync) and by
 * {@code curl --parallel} fetching only the artifacts at the harvester's download concurrency. Each client runs
 * twice, alternating, and its faster run counts, so that neither gets the simulator's warm-up alone. Targets: the
 * harvester within 1.2x curl's time, and at least 2x as fast as the naive script.
 *
 * <p>Every client's files stay until the benchmarks end. On this machine's ext4, creating a file or directory up to
 * a few minutes after thousands of deletions nearby makes the kernel pass over each recently freed inode
 * (recently_deleted in a system-wide profile): 1,000 directories of four files took 2.5-3.1 s of kernel time right
 * after a like tree was removed, and 0.13 s otherwise. A client that writes a directory per sample (the harvester, the
 * naive script) paid that for the previous client's cleanup, curl's flat directory hardly did.
 */
final class BacklogBench {
    static final int DEFAULT_SAMPLES = 1000;
    private static final String KEY = "bench-backlog-key";
    private static final List<String> ARTIFACTS = List.of("analysis.json", "processes.json", "network.pcap",
            "video.webm");
    private static final double TARGET_OF_CURL = 1.2;
    private static final double TARGET_OF_NAIVE = 2.0;
    private static final int ROUNDS = 2;

    private BacklogBench() {
    }

    static BenchTable run(Path work, int samples) throws Exception {
        SimulatorConfig org = new SimulatorConfig(KEY, List.of("alice.soc", "bob.ir", "carol.hunt", "dave.noc"),
                0.05, Duration.ofHours(1), samples, Duration.ofHours(6), samples, Duration.ofSeconds(1), 0.1, 0.05,
                0.05, 23L).withArtifactSizes(ArtifactSizes.BACKLOG_MIX);
        int concurrency = new ConfigLoader(System.getenv(), Optional.empty()).load(Optional.empty(),
                Map.of("tg.api-key", KEY)).downloadConcurrency();
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(org, Clock.systemUTC())) {
            simulator.start(0);
            awaitFinished(simulator);
            URI base = simulator.baseUrl();
            List<String> urls = artifactUrls(simulator, base);
            String after = Instant.now().minus(Duration.ofDays(1)).toString();
            double ours = Double.MAX_VALUE;
            double naive = Double.MAX_VALUE;
            double curl = Double.MAX_VALUE;
            long bytes = 0;
            for (int round = 1; round <= ROUNDS; round++) {
                Path data = work.resolve("harvester-" + round);
                ours = Math.min(ours, seconds(() -> runOnce(base, data)));
                Reconciliation check = Reconciliation.of(simulator.groundTruth(), Instant.now(), data,
                        simulator.requests(), KEY, List.of());
                if (!check.clean() || check.artifactsIntact() != urls.size()) {
                    throw new IllegalStateException("run --once left the harvest incomplete:\n" + check.table());
                }
                bytes = sizeOf(data.resolve("artifacts"));
                Path naiveDir = work.resolve("naive-" + round);
                naive = Math.min(naive, seconds(() -> child(List.of(NaiveHarvest.class.getName(), base.toString(),
                        KEY, after, naiveDir.toString()), Map.of())));
                expectFiles(naiveDir, urls.size(), "the naive script");
                Path curlDir = work.resolve("curl-" + round);
                curl = Math.min(curl, seconds(() -> curl(urls, curlDir, concurrency)));
                expectFiles(curlDir, urls.size(), "curl");
            }
            return new BenchTable(String.format(Locale.ROOT, "backlog: %,d finished samples, %,d artifacts, %,d MB"
                    + " from a loopback server", samples, urls.size(), bytes / 1_000_000), List.of(
                    new BenchRow("run --once seconds, against curl --parallel " + concurrency, ours, curl,
                            TARGET_OF_CURL, true, "s"),
                    new BenchRow("naive script seconds, against run --once", naive, ours, TARGET_OF_NAIVE, false,
                            "s")),
                    List.of(String.format(Locale.ROOT, "Best of %d alternating runs each: run --once %.1f s"
                                    + " (%.0f MB/s), naive sequential script %.1f s, curl --parallel-max %d %.1f s"
                                    + " (artifacts only). Sizes: ArtifactSizes.BACKLOG_MIX, see the notes below.",
                            ROUNDS, ours, bytes / 1e6 / ours, naive, concurrency, curl)));
        }
    }

    /** The newest sample of the history was submitted just now: its analysis takes a few seconds more. */
    private static void awaitFinished(ThreatGridSimulator simulator) throws InterruptedException {
        while (simulator.groundTruth().samples().stream().map(s -> s.stateAt(Instant.now()))
                .anyMatch(state -> !state.equals("succ") && !state.equals("fail"))) {
            Thread.sleep(500);
        }
    }

    /** Every artifact the simulator serves: each succeeded sample's four, less the captures and videos it lacks. */
    private static List<String> artifactUrls(ThreatGridSimulator simulator, URI base) {
        List<String> urls = new ArrayList<>();
        Instant now = Instant.now();
        for (SimulatedSample sample : simulator.groundTruth().samples()) {
            if (!sample.stateAt(now).equals("succ")) {
                continue;
            }
            for (String name : ARTIFACTS) {
                boolean served = switch (name) {
                    case "network.pcap" -> sample.hasPcap();
                    case "video.webm" -> sample.hasVideo();
                    default -> true;
                };
                if (served) {
                    urls.add(base + "/api/v2/samples/" + sample.id() + "/" + name);
                }
            }
        }
        return urls;
    }

    /** As a user runs it: through scripts/tg-harvester (TG_JAVA_OPTS adds JVM options, e.g. to record a profile). */
    private static void runOnce(URI base, Path data) throws IOException, InterruptedException {
        run(List.of("scripts/tg-harvester", "run", "--once"), Map.of("TG_API_KEY", KEY,
                "TG_BASE_URL", base.toString(), "TG_DATA_DIR", data.toString(),
                "TG_LOG_LEVEL", System.getenv().getOrDefault("TG_LOG_LEVEL", "WARN")));
    }

    private static void curl(List<String> urls, Path dir, int concurrency) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        StringBuilder config = new StringBuilder("header = \"Authorization: bearer " + KEY + "\"\nfail\nsilent\nno-progress-meter\n");
        for (int i = 0; i < urls.size(); i++) {
            config.append("url = \"").append(urls.get(i)).append("\"\noutput = \"").append(dir.resolve("f" + i))
                    .append("\"\n");
        }
        Path file = Files.writeString(dir.resolveSibling(dir.getFileName() + ".curlrc"), config);
        run(List.of("curl", "--parallel", "--parallel-max", String.valueOf(concurrency), "--config",
                file.toString()), Map.of());
    }

    private static void child(List<String> mainAndArgs, Map<String, String> env)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        run(command, env);
    }

    private static void run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(env);
        Process process = builder.start();
        if (process.waitFor() != 0) {
            throw new IOException(command.get(0) + " " + command.get(command.size() - 1) + " failed with exit code "
                    + process.exitValue());
        }
    }

    private interface Timed {
        void run() throws Exception;
    }

    private static double seconds(Timed timed) throws Exception {
        long t0 = System.nanoTime();
        timed.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void expectFiles(Path dir, int expected, String client) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            long found = files.filter(Files::isRegularFile).count();
            if (found != expected) {
                throw new IllegalStateException(client + " wrote " + found + " of " + expected + " artifacts");
            }
        }
    }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
