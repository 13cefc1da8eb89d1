package io.tgharvester.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.TestClock;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.config.ConfigLoader;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.correlate.AnalysisParser;
import io.tgharvester.sim.SimulatedAnalysis;
import io.tgharvester.sim.SimulatedSample;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import io.tgharvester.store.Database;
import io.tgharvester.store.ParseStateStore;
import io.tgharvester.store.ParseStateStore.Selection;
import io.tgharvester.store.ParseTask;
import io.tgharvester.store.Queries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parse stage after real harvests from the simulator, checked against what the simulator says it analysed. */
class AnalysisIndexerTest {
    private static final String KEY = "parse-simulator-key";
    /** The autorun key every simulated target process creates. */
    private static final String RUN_KEY = "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\upd";

    @TempDir
    Path dataDir;

    @Test
    void theCorrelationTablesHoldWhatEachAnalysisFound() {
        TestClock simClock = new TestClock(Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS));
        SimulatorConfig config = new SimulatorConfig(KEY, List.of("alice", "bob"), 0, Duration.ofMinutes(5), 6,
                Duration.ofMinutes(30), 12, Duration.ofSeconds(30), 0.2, 0.3, 0.3, 11L);
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(config, simClock)) {
            simulator.start(0);
            HarvesterConfig cfg = config(simulator);
            try (Harvester harvester = Harvester.open(cfg, ThreatGridClient.connect(cfg), Clock.systemUTC())) {
                harvester.runOnce();
                simClock.advance(Duration.ofHours(1));
                harvester.runOnce();
                Queries q = harvester.queries();

                List<SimulatedSample> parsed = simulator.groundTruth().samples().stream()
                        .filter(s -> s.stateAt(simClock.instant()).equals("succ")).toList();
                assertTrue(parsed.size() >= 3, "succeeded samples: " + parsed.size());
                assertEquals((long) parsed.size(),
                        single(q, "SELECT COUNT(*) FROM parse_state WHERE status = 'parsed'"));
                assertEquals((long) parsed.size(), single(q, "SELECT COUNT(*) FROM analysis"));
                for (SimulatedSample s : parsed) {
                    SimulatedAnalysis a = s.analysis();
                    String where = " WHERE sample_id = '" + s.id() + "'";
                    assertEquals(a.threatScore(), single(q, "SELECT threat_score FROM analysis" + where));
                    assertEquals(resolved(a), column(q, "SELECT domain || ' ' || resolved_ips FROM domains" + where),
                            "each domain once, with the address its DNS answer gave");
                    assertEquals(Set.copyOf(s.urls()), column(q, "SELECT url FROM urls" + where));
                    assertEquals(Set.of(List.of("GET", 200)), rows(q, "SELECT method, status FROM urls" + where));
                    assertEquals(lower(a.domains()), column(q, "SELECT host FROM urls" + where));
                    assertTrue(column(q, "SELECT dst_ip FROM network_flows" + where).containsAll(a.ips()), s.id());
                    assertEquals(a.iocs().stream().map(SimulatedAnalysis.Ioc::name).collect(Collectors.toSet()),
                            column(q, "SELECT ioc FROM iocs" + where));
                    assertEquals(a.dropped().stream().map(SimulatedAnalysis.DroppedFile::sha256)
                                    .collect(Collectors.toSet()),
                            column(q, "SELECT sha256 FROM artifact_hashes" + where + " AND origin = 'disk'"));
                    assertEquals(Set.of(s.sha256()),
                            column(q, "SELECT sha256 FROM artifact_hashes" + where + " AND origin = 'submitted'"));
                    assertEquals(Set.copyOf(a.processNames()), column(q, "SELECT name FROM processes" + where));
                    assertEquals((long) a.processNames().size(), single(q, "SELECT COUNT(*) FROM processes" + where),
                            "processes.json adds no second row for a process analysis.json has");
                    assertEquals(Set.of(RUN_KEY), column(q,
                            "SELECT key_path FROM registry_keys" + where + " AND operation = 'created'"));
                }
            }
        }
    }

    @Test
    void aMalformedAnalysisIsRecordedAsFailedAndNotReadAgain() throws Exception {
        TestClock simClock = new TestClock(Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS));
        SimulatorConfig config = new SimulatorConfig(KEY, List.of("alice"), 0, Duration.ofMinutes(5), 3,
                Duration.ofMinutes(30), 3, Duration.ofSeconds(30), 0, 0, 0, 5L);
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(config, simClock)) {
            simulator.start(0);
            HarvesterConfig cfg = config(simulator);
            try (Harvester harvester = Harvester.open(cfg, ThreatGridClient.connect(cfg), Clock.systemUTC())) {
                harvester.runOnce();
                simClock.advance(Duration.ofHours(1));
                harvester.runOnce();
                Queries q = harvester.queries();
                String id = (String) single(q, "SELECT MIN(sample_id) FROM parse_state");
                Path file = dataDir.resolve("artifacts").resolve(id).resolve("analysis.json");
                Files.writeString(file, "{\"iocs\": [");
                try (Database db = Database.open(dataDir)) {
                    ParseTask task = new ParseStateStore(db).readyOne(id, Selection.ALL, AnalysisParser.VERSION)
                            .orElseThrow();
                    assertEquals(AnalysisIndexer.Outcome.FAILED,
                            Harvester.indexer(dataDir, db, Clock.systemUTC()).parse(task));
                }

                assertEquals(List.of(List.of("failed")), q.userQuery(
                        "SELECT status FROM parse_state WHERE sample_id = '" + id + "'").rows());
                assertEquals(1L, single(q, "SELECT COUNT(*) FROM analysis WHERE sample_id = '" + id + "'"),
                        "the rows of the last good parse stay");
                Object attempts = single(q, "SELECT attempts FROM parse_state WHERE sample_id = '" + id + "'");
                harvester.runOnce();
                assertEquals(attempts, single(q, "SELECT attempts FROM parse_state WHERE sample_id = '" + id + "'"),
                        "a failed file is not parsed again by the next rounds");
            }
        }
    }

    private HarvesterConfig config(ThreatGridSimulator simulator) {
        return new ConfigLoader(Map.of(), Optional.empty()).load(Optional.empty(), Map.of(
                "tg.api-key", KEY, "tg.base-url", simulator.baseUrl().toString(),
                "harvester.data-dir", dataDir.toString()));
    }

    private static Object single(Queries q, String sql) {
        return q.userQuery(sql).rows().get(0).get(0);
    }

    private static Set<Object> column(Queries q, String sql) {
        return q.userQuery(sql).rows().stream().map(row -> row.get(0)).collect(Collectors.toSet());
    }

    private static Set<List<Object>> rows(Queries q, String sql) {
        return Set.copyOf(q.userQuery(sql).rows());
    }

    /** "domain address" for each domain of the analysis. */
    private static Set<Object> resolved(SimulatedAnalysis a) {
        Set<Object> resolved = new HashSet<>();
        for (int i = 0; i < a.domains().size(); i++) {
            resolved.add(a.domains().get(i).toLowerCase(Locale.ROOT) + " " + a.ips().get(i));
        }
        return resolved;
    }

    private static Set<Object> lower(List<String> names) {
        return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }
}
