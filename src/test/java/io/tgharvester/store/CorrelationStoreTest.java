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

            assertEquals(List.of(1L, 2L, 2L, 2L, 2L, 2L, 2L, 3L), counts(db, ID));
            assertEquals(List.of(List.of(95, 100, "win10-x64", 300, 2)), rows(db,
                    "SELECT threat_score, max_severity, vm, duration_seconds, behaviour_count FROM analysis"));
            assertEquals(List.of(List.of("evil.example.com", "203.0.113.7,203.0.113.8")),
                    rows(db, "SELECT domain, resolved_ips FROM domains WHERE resolved_ips IS NOT NULL"));
            assertEquals(List.of(List.of("ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb")),
                    rows(db, "SELECT sha256 FROM artifact_hashes WHERE relation = 'submitted'"));
            assertEquals(List.of(List.of("http://evil.example.com/payload.bin", "GET", 200)),
                    rows(db, "SELECT url, method, status FROM urls WHERE status = 200"));
        }
    }

    @Test
    void reparsingReplacesTheRowsInsteadOfAddingToThem() throws Exception {
        try (Database db = Database.open(dataDir)) {
            replace(db, ID, "rich.json");
            replace(db, OTHER, "minimal.json");

            replace(db, ID, "rich.json");
            replace(db, ID, "rich.json");

            assertEquals(List.of(1L, 2L, 2L, 2L, 2L, 2L, 2L, 3L), counts(db, ID));
            assertEquals(List.of(1L, 0L, 0L, 0L, 0L, 0L, 0L, 0L), counts(db, OTHER));
        }
    }

    @Test
    void aParseThatFailsHalfwayLeavesThePreviousRows() throws Exception {
        try (Database db = Database.open(dataDir)) {
            replace(db, ID, "rich.json");

            // truncated.json emits an IOC row before it breaks off; the rollback must take it away again.
            assertThrows(MalformedAnalysis.class, () -> replace(db, ID, "truncated.json"));

            assertEquals(List.of(1L, 2L, 2L, 2L, 2L, 2L, 2L, 3L), counts(db, ID));
            assertEquals(List.of(List.of("macro-autoexec"), List.of("powershell-encoded")),
                    rows(db, "SELECT ioc FROM iocs ORDER BY ioc"));
        }
    }

    private void replace(Database db, String sampleId, String fixture) throws Exception {
        Path file = Path.of(getClass().getResource("/analysis/" + fixture).toURI());
        new CorrelationStore(db).replace(sampleId, NOW, sink -> parser.parse(file, Optional.empty(), sink));
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
