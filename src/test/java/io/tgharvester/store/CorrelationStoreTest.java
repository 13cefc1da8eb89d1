package io.tgharvester.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tgharvester.TgJson;
import io.tgharvester.correlate.AnalysisParser;
import io.tgharvester.correlate.MalformedAnalysis;
import io.tgharvester.report.ReportFixtures;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorrelationStoreTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final String ID = TgJson.id(1);
    private static final String OTHER = TgJson.id(2);

    @TempDir
    Path dataDir;

    private final AnalysisParser parser = new AnalysisParser();

    @BeforeEach
    void storeSamples() {
        ReportFixtures.store(dataDir, List.of(
                ReportFixtures.sample(1, "alice", "succ", NOW.minusSeconds(600), 300L, "invoice.docm"),
                ReportFixtures.sample(2, "bob", "succ", NOW.minusSeconds(600), 300L, "other.exe")), NOW);
    }

    @Test
    void storesEveryRowOfAReport() throws Exception {
        try (Database db = Database.open(dataDir)) {
            replace(db, ID, "rich.json");

            assertEquals(List.of(1L, 2L, 3L, 3L, 2L, 2L, 2L, 3L), counts(db, ID));
            assertEquals(List.of(List.of(95, 100, "win10-x64", 300, 2)), rows(db,
                    "SELECT threat_score, max_severity, vm, duration_seconds, behaviour_count FROM analysis"));
            assertEquals(List.of(List.of("evil.example.com", "203.0.113.7,203.0.113.8"),
                    List.of("www.cdn.example.net", "198.51.100.9")), rows(db,
                    "SELECT domain, resolved_ips FROM domains WHERE resolved_ips IS NOT NULL ORDER BY domain"));
            assertEquals(List.of(List.of("ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb")),
                    rows(db, "SELECT sha256 FROM artifact_hashes WHERE origin = 'submitted'"));
            assertEquals(List.of(List.of("{\"network\":\"2\",\"process\":\"2\"}")),
                    rows(db, "SELECT relation FROM artifact_hashes WHERE relation IS NOT NULL"));
            assertEquals(List.of(List.of("http://evil.example.com:80/payload.bin", "GET", "evil.example.com", 200),
                    List.of("http://evil.example.com:80/report", "POST", "evil.example.com", 404)),
                    rows(db, "SELECT url, method, host, status FROM urls ORDER BY status"));
        }
    }

    @Test
    void reparsingReplacesTheRowsInsteadOfAddingToThem() throws Exception {
        try (Database db = Database.open(dataDir)) {
            replace(db, ID, "rich.json");
            replace(db, OTHER, "minimal.json");

            replace(db, ID, "rich.json");
            replace(db, ID, "rich.json");

            assertEquals(List.of(1L, 2L, 3L, 3L, 2L, 2L, 2L, 3L), counts(db, ID));
            assertEquals(List.of(1L, 0L, 0L, 0L, 0L, 0L, 0L, 0L), counts(db, OTHER));
        }
    }

    @Test
    void aParseThatFailsHalfwayLeavesThePreviousRows() throws Exception {
        try (Database db = Database.open(dataDir)) {
            replace(db, ID, "rich.json");

            // truncated.json emits an IOC row before it breaks off; the rollback must take it away again.
            assertThrows(MalformedAnalysis.class, () -> replace(db, ID, "truncated.json"));

            assertEquals(List.of(1L, 2L, 3L, 3L, 2L, 2L, 2L, 3L), counts(db, ID));
            assertEquals(List.of(List.of("macro-autoexec"), List.of("powershell-encoded")),
                    rows(db, "SELECT ioc FROM iocs ORDER BY ioc"));
        }
    }

    @Test
    void aProcessInBothFilesIsStoredOnce() throws Exception {
        try (Database db = Database.open(dataDir)) {
            replace(db, ID, "merge-analysis.json", Optional.of("merge-processes.json"));

            assertEquals(List.of(List.of("1", 2000, "svchost.exe", "C:\\Windows\\System32\\svchost.exe"),
                    List.of("2", 2004, "payload.exe", ""), List.of("3", 2100, "no-pid.exe", ""),
                    List.of("4", 2008, "cmd.exe", "")),
                    rows(db, "SELECT process_key, pid, name, COALESCE(image, '') FROM processes ORDER BY process_key"));
            assertEquals(List.of(List.of(2000, "HKLM\\SYSTEM\\a", "created"),
                    List.of(2000, "HKLM\\SYSTEM\\b", "deleted"), List.of(2004, "HKLM\\SYSTEM\\y", "modified")),
                    rows(db, "SELECT pid, key_path, operation FROM registry_keys ORDER BY pid, key_path"));
        }
    }

    private void replace(Database db, String sampleId, String fixture) throws Exception {
        replace(db, sampleId, fixture, Optional.empty());
    }

    private void replace(Database db, String sampleId, String fixture, Optional<String> processes) throws Exception {
        Path file = resource(fixture);
        Optional<Path> processesFile = processes.isPresent() ? Optional.of(resource(processes.get()))
                : Optional.empty();
        new CorrelationStore(db).replace(sampleId, NOW, sink -> parser.parse(file, processesFile, sink));
    }

    private Path resource(String fixture) throws Exception {
        return Path.of(getClass().getResource("/analysis/" + fixture).toURI());
    }

    /** Row counts of analysis, iocs, network_flows, domains, urls, artifact_hashes, processes, registry_keys. */
    private static List<Long> counts(Database db, String sampleId) {
        return List.of("analysis", "iocs", "network_flows", "domains", "urls", "artifact_hashes", "processes",
                "registry_keys").stream()
                .map(table -> (Long) rows(db, "SELECT COUNT(*) FROM " + table + " WHERE sample_id = '" + sampleId
                        + "'").get(0).get(0))
                .toList();
    }

    private static List<List<Object>> rows(Database db, String sql) {
        return new Queries(db).userQuery(sql).rows();
    }
}
