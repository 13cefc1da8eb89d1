package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.TestClock;
import io.tgharvester.sim.GroundTruth;
import io.tgharvester.sim.SimulatedSample;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline, `run --once` after `run --once`, against the simulator, checked against its ground truth. */
class EndToEndTest {
    private static final String KEY = "e2e-simulator-key";
    private static final List<String> ARTIFACTS =
            List.of("analysis.json", "processes.json", "network.pcap", "video.webm");

    @TempDir
    Path dataDir;

    @Test
    void repeatedPassesCollectEverySampleAndArtifactAndUserStatsMatchTheGroundTruth() throws Exception {
        Instant start = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        TestClock simClock = new TestClock(start);
        SimulatorConfig config = new SimulatorConfig(KEY, List.of("alice", "bob", "carol", "dave"), 0.1,
                Duration.ofSeconds(40), 8, Duration.ofMinutes(30), 40, Duration.ofSeconds(45), 0.15, 0.2, 0.1, 7L);
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(config, simClock)) {
            simulator.start(0);
            Map<String, String> env = Map.of("TG_API_KEY", KEY, "TG_BASE_URL", simulator.baseUrl().toString(),
                    "TG_DATA_DIR", dataDir.toString());
            int passes = 0;
            do {
                simClock.advance(Duration.ofMinutes(1));
                assertEquals(0, runOnce(env), "pass " + passes);
                passes++;
            } while (!allFinal(simulator.groundTruth(), simClock.instant()) && passes < 200);
            assertEquals(0, runOnce(env), "a last pass after every sample finished");

            GroundTruth truth = simulator.groundTruth();
            assertEquals(40, truth.samples().size());
            try (Database db = Database.open(dataDir)) {
                Queries queries = new Queries(db);
                checkSamples(queries, truth, simClock.instant());
                checkArtifacts(queries, truth, simClock.instant());
                assertUserStats(expectedUserStats(truth, simClock.instant()), actualUserStats(queries));
            }
            simulator.requests().stream().filter(r -> r.path().equals("/api/v2/samples"))
                    .forEach(r -> assertTrue(r.rawQuery().contains("org_only=True"), r.rawQuery()));
        }
    }

    private static int runOnce(Map<String, String> env) {
        StringWriter err = new StringWriter();
        int code = Main.run(env, new PrintWriter(new StringWriter()), new PrintWriter(err), "run", "--once",
                "--set", "harvester.fetch-overlap=1d", "--set", "harvester.download.retry-base=1s");
        assertEquals("", err.toString());
        return code;
    }

    private static boolean allFinal(GroundTruth truth, Instant now) {
        return truth.samples().size() == 40
                && truth.samples().stream().allMatch(s -> !s.stateAt(now).matches("wait|prep|run|proc"));
    }

    private static void checkSamples(Queries queries, GroundTruth truth, Instant now) {
        Map<String, String> stored = new HashMap<>();
        queries.userQuery("SELECT id, state FROM samples").rows()
                .forEach(r -> stored.put((String) r.get(0), (String) r.get(1)));
        Map<String, String> expected = truth.samples().stream()
                .collect(Collectors.toMap(SimulatedSample::id, s -> s.stateAt(now)));
        assertEquals(expected, stored);
    }

    private void checkArtifacts(Queries queries, GroundTruth truth, Instant now) throws Exception {
        for (SimulatedSample sample : truth.samples()) {
            if (!sample.stateAt(now).equals("succ")) {
                continue;
            }
            for (String name : ARTIFACTS) {
                List<List<Object>> row = queries.userQuery("SELECT status, sha256 FROM artifacts WHERE sample_id = '"
                        + sample.id() + "' AND name = '" + name + "'").rows();
                Optional<String> served = truth.artifactSha256(sample.id(), name);
                if (served.isEmpty()) {
                    assertEquals(List.of(Arrays.asList("absent", null)), row, sample.id() + "/" + name);
                    continue;
                }
                assertEquals(List.of(List.of("done", served.get())), row, sample.id() + "/" + name);
                byte[] onDisk = Files.readAllBytes(dataDir.resolve("artifacts").resolve(sample.id()).resolve(name));
                assertEquals(served.get(), java.util.HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(onDisk)));
            }
        }
    }

    /** Per login: submissions, succ, fail, pending, first, last, mean and p95 seconds to result. */
    private static Map<String, List<Object>> expectedUserStats(GroundTruth truth, Instant now) {
        Map<String, List<SimulatedSample>> byLogin = truth.samples().stream().collect(Collectors.groupingBy(
                s -> s.login() == null ? "(null)" : s.login(), TreeMap::new, Collectors.toList()));
        Map<String, List<Object>> expected = new TreeMap<>();
        byLogin.forEach((login, samples) -> {
            List<Double> seconds = samples.stream().filter(s -> s.stateAt(now).equals("succ"))
                    .map(s -> (double) Duration.between(s.submittedAt(), s.completedAt()).toSeconds())
                    .sorted().toList();
            expected.put(login, Arrays.asList(
                    (long) samples.size(),
                    samples.stream().filter(s -> s.stateAt(now).equals("succ")).count(),
                    samples.stream().filter(s -> s.stateAt(now).equals("fail")).count(),
                    0L,
                    samples.stream().map(SimulatedSample::submittedAt).min(Comparator.naturalOrder()).orElseThrow(),
                    samples.stream().map(SimulatedSample::submittedAt).max(Comparator.naturalOrder()).orElseThrow(),
                    seconds.isEmpty() ? null : seconds.stream().mapToDouble(d -> d).average().orElseThrow(),
                    seconds.isEmpty() ? null : percentileCont(seconds, 0.95)));
        });
        return expected;
    }

    private static Map<String, List<Object>> actualUserStats(Queries queries) {
        Map<String, List<Object>> actual = new TreeMap<>();
        for (List<Object> row : queries.userQuery("SELECT login, submissions, succeeded, failed, pending,"
                + " first_submitted_at, last_submitted_at, mean_seconds_to_result, p95_seconds_to_result"
                + " FROM user_stats").rows()) {
            actual.put(row.get(0) == null ? "(null)" : (String) row.get(0), Arrays.asList(
                    ((Number) row.get(1)).longValue(), ((Number) row.get(2)).longValue(),
                    ((Number) row.get(3)).longValue(), ((Number) row.get(4)).longValue(),
                    ((OffsetDateTime) row.get(5)).toInstant(), ((OffsetDateTime) row.get(6)).toInstant(),
                    row.get(7), row.get(8)));
        }
        return actual;
    }

    /** Counts and times exactly; the two averages to 1e-9 s, as SQL and Java round differently in the last bit. */
    private static void assertUserStats(Map<String, List<Object>> expected, Map<String, List<Object>> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((login, want) -> {
            List<Object> got = actual.get(login);
            assertEquals(want.subList(0, 6), got.subList(0, 6), login);
            for (int i = 6; i < 8; i++) {
                if (want.get(i) == null) {
                    assertEquals(null, got.get(i), login);
                } else {
                    assertEquals((Double) want.get(i), (Double) got.get(i), 1e-9, login);
                }
            }
        });
    }

    /** PERCENTILE_CONT: linear interpolation between the closest ranks of the sorted values. */
    private static double percentileCont(List<Double> sorted, double p) {
        double rank = p * (sorted.size() - 1);
        int lower = (int) Math.floor(rank);
        int upper = (int) Math.ceil(rank);
        return sorted.get(lower) + (rank - lower) * (sorted.get(upper) - sorted.get(lower));
    }
}
