package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.TestClock;
import io.tgharvester.sim.GroundTruth;
import io.tgharvester.sim.SimulatedAnalysis;
import io.tgharvester.sim.SimulatedSample;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * From the simulator through harvest and parse to find and related: every answer is checked against what the
 * simulator's analyses contain.
 */
class CorrelationEndToEndTest {
    private static final String KEY = "correlation-e2e-key";
    private static final int SAMPLES = 30;
    private static final int COMMON_ABOVE = 6;

    @TempDir
    Path dataDir;

    private Map<String, String> env;

    @Test
    void findAndRelatedAnswerWhatTheAnalysesSay() throws Exception {
        TestClock clock = new TestClock(Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS));
        SimulatorConfig config = new SimulatorConfig(KEY, List.of("alice", "bob", "carol"), 0.1,
                Duration.ofSeconds(40), 6, Duration.ofMinutes(30), SAMPLES, Duration.ofSeconds(45), 0.15, 0.2, 0.1, 11L);
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(config, clock)) {
            simulator.start(0);
            env = Map.of("TG_API_KEY", KEY, "TG_BASE_URL", simulator.baseUrl().toString(),
                    "TG_DATA_DIR", dataDir.toString());
            int passes = 0;
            do {
                clock.advance(Duration.ofMinutes(1));
                assertEquals(0, run("run", "--once").exitCode());
            } while (!HarvestCheck.allFinal(simulator.groundTruth(), clock.instant(), SAMPLES) && ++passes < 200);
            assertEquals(0, run("run", "--once").exitCode());
            GroundTruth truth = simulator.groundTruth();
            List<SimulatedSample> analysed = truth.samples().stream()
                    .filter(s -> s.finalState().equals("succ")).toList();
            assertTrue(analysed.size() > 20, "analysed: " + analysed.size());

            checkFind("--domain", index(analysed, a -> a.domains()));
            checkFind("--ip", index(analysed, a -> a.ips()));
            checkFind("--ioc", index(analysed, a -> a.iocs().stream().map(SimulatedAnalysis.Ioc::name).toList()));
            Map<String, Set<String>> hashes = index(analysed,
                    a -> a.dropped().stream().map(SimulatedAnalysis.DroppedFile::sha256).toList());
            truth.samples().forEach(s -> hashes.computeIfAbsent(s.sha256(), h -> new HashSet<>()).add(s.id()));
            checkFind("--sha256", hashes);
            checkFind("--url-like", index(analysed,
                    a -> a.domains().stream().map(d -> "http://" + d + ":80/%").toList()));
            checkResolvedAddresses(analysed);

            int related = 0;
            for (SimulatedSample sample : analysed.subList(0, 5)) {
                related += checkRelated(sample, analysed, truth.samples());
            }
            assertTrue(related > 5, "the simulated analyses share values: " + related);
        }
    }

    private CliRun.Result run(String... args) {
        return CliRun.run(env, args);
    }

    /** value -> ids of the analysed samples whose analysis has it. */
    private static Map<String, Set<String>> index(List<SimulatedSample> samples,
                                                  Function<SimulatedAnalysis, List<String>> values) {
        Map<String, Set<String>> index = new TreeMap<>();
        for (SimulatedSample s : samples) {
            for (String value : values.apply(s.analysis())) {
                index.computeIfAbsent(value, v -> new HashSet<>()).add(s.id());
            }
        }
        return index;
    }

    /** The most shared value and the least shared one are both found exactly, newest first. */
    private void checkFind(String flag, Map<String, Set<String>> index) throws IOException {
        List<String> byUse = index.keySet().stream()
                .sorted(Comparator.comparingInt((String v) -> -index.get(v).size()).thenComparing(v -> v)).toList();
        for (String value : List.of(byUse.get(0), byUse.get(byUse.size() - 1))) {
            CliRun.Result result = run("find", flag, value, "--limit", "1000", "--format", "json");
            assertEquals(0, result.exitCode(), result.everything());
            List<Map<String, Object>> rows = CliRun.jsonRows(result.out());
            assertEquals(index.get(value), Set.copyOf(CliRun.column(rows, "sample_id")), flag + " " + value);
            List<Object> times = CliRun.column(rows, "submitted_at");
            assertEquals(times.stream().sorted(Comparator.comparing(Object::toString).reversed()).toList(), times,
                    "newest first");
        }
    }

    /** Every domain row holds the address the simulator's DNS answer gave for it. */
    private void checkResolvedAddresses(List<SimulatedSample> analysed) throws IOException {
        Set<List<Object>> expected = new HashSet<>();
        for (SimulatedSample s : analysed) {
            for (int i = 0; i < s.analysis().domains().size(); i++) {
                expected.add(List.of(s.id(), s.analysis().domains().get(i), s.analysis().ips().get(i)));
            }
        }
        CliRun.Result result = run("sql", "SELECT sample_id, domain, resolved_ips FROM domains", "--format", "json");
        assertEquals(0, result.exitCode(), result.everything());
        Set<List<Object>> actual = CliRun.jsonRows(result.out()).stream()
                .map(row -> List.of(row.get("sample_id"), row.get("domain"), row.get("resolved_ips")))
                .collect(Collectors.toSet());
        assertEquals(expected, actual);
    }

    /**
     * The samples sharing anything not too common with {@code sample}, each with the number of values shared;
     * returns how many there are.
     */
    private int checkRelated(SimulatedSample sample, List<SimulatedSample> analysed, List<SimulatedSample> all)
            throws IOException {
        Map<String, Set<String>> values = new HashMap<>();
        for (SimulatedSample s : analysed) {
            SimulatedAnalysis a = s.analysis();
            Set<String> own = new HashSet<>();
            a.domains().forEach(d -> own.add("domain " + d));
            a.ips().forEach(ip -> own.add("ip " + ip));
            a.iocs().forEach(i -> own.add("ioc " + i.name()));
            a.dropped().forEach(f -> own.add("sha256 " + f.sha256()));
            values.put(s.id(), own);
        }
        for (SimulatedSample s : all) {
            values.computeIfAbsent(s.id(), id -> new HashSet<>()).add("sha256 " + s.sha256());
        }
        Map<String, Integer> expected = new HashMap<>();
        for (String value : values.get(sample.id())) {
            Set<String> others = values.entrySet().stream()
                    .filter(e -> !e.getKey().equals(sample.id()) && e.getValue().contains(value))
                    .map(Map.Entry::getKey).collect(Collectors.toSet());
            if (others.size() <= COMMON_ABOVE) {
                others.forEach(other -> expected.merge(other, 1, Integer::sum));
            }
        }
        CliRun.Result result = run("related", sample.id(), "--limit", "1000", "--common-above",
                String.valueOf(COMMON_ABOVE), "--format", "json");
        assertEquals(0, result.exitCode(), result.everything());
        List<Map<String, Object>> rows = CliRun.jsonRows(result.out());
        Map<Object, Integer> actual = rows.stream().collect(Collectors.toMap(row -> row.get("sample_id"),
                row -> ((Number) row.get("shared")).intValue()));
        assertEquals(expected, actual, "related " + sample.id());
        List<Integer> shared = rows.stream().map(row -> ((Number) row.get("shared")).intValue()).toList();
        assertEquals(shared.stream().sorted(Comparator.reverseOrder()).toList(), shared, "most shared first");
        return expected.size();
    }
}
