package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tgharvester.sim.GroundTruth;
import io.tgharvester.sim.SimulatedSample;
import io.tgharvester.store.Queries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Checks a harvested data dir against the simulator's ground truth: samples, artifacts, user_stats. */
final class HarvestCheck {
    static final List<String> ARTIFACTS = List.of("analysis.json", "processes.json", "network.pcap", "video.webm");

    private HarvestCheck() {
    }

    /** Everything the harvest should hold, as of {@code now}. */
    static void matchesGroundTruth(Queries queries, GroundTruth truth, Instant now, Path dataDir) throws Exception {
        checkSamples(queries, truth, now);
        checkArtifacts(queries, truth, now, dataDir);
        assertUserStats(expectedUserStats(truth, now), actualUserStats(queries));
    }

    static boolean allFinal(GroundTruth truth, Instant now, int expected) {
        return truth.samples().size() == expected
                && truth.samples().stream().allMatch(s -> !s.stateAt(now).matches("wait|prep|run|proc"));
    }

    static void checkSamples(Queries queries, GroundTruth truth, Instant now) {
        Map<String, String> stored = new HashMap<>();
        queries.userQuery("SELECT id, state FROM samples").rows()
                .forEach(r -> stored.put((String) r.get(0), (String) r.get(1)));
        Map<String, String> expected = truth.samples().stream()
                .collect(Collectors.toMap(SimulatedSample::id, s -> s.stateAt(now)));
        assertEquals(expected, stored);
    }

    static void checkArtifacts(Queries queries, GroundTruth truth, Instant now, Path dataDir) throws Exception {
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
                assertEquals(served.get(), HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(onDisk)));
            }
        }
    }

    /** Per login: submissions, succ, fail, pending, first, last, mean and p95 seconds to result. */
    static Map<String, List<Object>> expectedUserStats(GroundTruth truth, Instant now) {
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

    static Map<String, List<Object>> actualUserStats(Queries queries) {
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
    static void assertUserStats(Map<String, List<Object>> expected, Map<String, List<Object>> actual) {
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
    static double percentileCont(List<Double> sorted, double p) {
        double rank = p * (sorted.size() - 1);
        int lower = (int) Math.floor(rank);
        int upper = (int) Math.ceil(rank);
        return sorted.get(lower) + (rank - lower) * (sorted.get(upper) - sorted.get(lower));
    }
}
