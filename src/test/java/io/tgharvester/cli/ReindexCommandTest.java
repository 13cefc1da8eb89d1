package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.TestClock;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReindexCommandTest {
    private static final String KEY = "reindex-simulator-key";

    @TempDir
    Path dataDir;

    @Test
    void reindexReparsesWhatFailedOneSampleOrEverything() throws Exception {
        TestClock simClock = new TestClock(Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS));
        SimulatorConfig config = new SimulatorConfig(KEY, List.of("alice"), 0, Duration.ofMinutes(5), 4,
                Duration.ofMinutes(30), 4, Duration.ofSeconds(30), 0, 0, 0, 3L);
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(config, simClock)) {
            simulator.start(0);
            Map<String, String> env = Map.of("TG_API_KEY", KEY, "TG_BASE_URL", simulator.baseUrl().toString(),
                    "TG_DATA_DIR", dataDir.toString());
            assertEquals(0, CliRun.run(env, "run", "--once").exitCode());
            simClock.advance(Duration.ofHours(1));
            assertEquals(0, CliRun.run(env, "run", "--once").exitCode());
            long parsed = count("SELECT COUNT(*) FROM parse_state WHERE status = 'parsed'");
            assertTrue(parsed >= 2, "parsed by run --once: " + parsed);

            CliRun.Result nothing = CliRun.run(env, "reindex");
            assertEquals(0, nothing.exitCode(), nothing.everything());
            assertTrue(nothing.out().contains("reindexed 0 analyses"), nothing.out());

            String id = (String) single("SELECT MIN(sample_id) FROM parse_state");
            Path file = dataDir.resolve("artifacts").resolve(id).resolve("analysis.json");
            byte[] good = Files.readAllBytes(file);
            Files.writeString(file, "{\"threat\": {\"threat_score\": 1}, \"iocs\": [{");

            CliRun.Result all = CliRun.run(env, "reindex", "--all");
            assertEquals(5, all.exitCode(), all.everything());
            assertTrue(all.out().contains("reindexed " + parsed + " analyses: " + (parsed - 1) + " parsed, 1 failed"),
                    all.out());
            assertTrue(all.logs().contains("event=parse-failed sample=" + id), all.logs());
            assertEquals("failed", single("SELECT status FROM parse_state WHERE sample_id = '" + id + "'"));
            assertEquals(1L, count("SELECT COUNT(*) FROM analysis WHERE sample_id = '" + id + "'"),
                    "the failed reparse kept the rows of the good one");

            Files.write(file, good);
            CliRun.Result retry = CliRun.run(env, "reindex");
            assertEquals(0, retry.exitCode(), retry.everything());
            assertTrue(retry.out().contains("reindexed 1 analyses: 1 parsed, 0 failed"), retry.out());

            CliRun.Result one = CliRun.run(env, "reindex", "--sample", id);
            assertEquals(0, one.exitCode(), one.everything());
            assertEquals(4L, count("SELECT attempts FROM parse_state WHERE sample_id = '" + id + "'"),
                    "parsed by run --once, reindex --all, reindex and reindex --sample");
        }
    }

    @Test
    void usageErrorsExitWithTwo() {
        Map<String, String> env = Map.of("TG_DATA_DIR", dataDir.toString());
        assertEquals(2, CliRun.run(env, "reindex", "--all", "--sample", "x").exitCode());
        assertEquals(0, CliRun.run(env, "reindex", "--help").exitCode());
        Database.open(dataDir).close();
        CliRun.Result unknown = CliRun.run(env, "reindex", "--sample", "0".repeat(32));
        assertEquals(2, unknown.exitCode(), unknown.everything());
        assertTrue(unknown.err().contains("has no downloaded analysis.json"), unknown.err());
    }

    @Test
    void aDataDirWithoutDatabaseIsALocalProblem() {
        CliRun.Result result = CliRun.run(Map.of("TG_DATA_DIR", dataDir.resolve("none").toString()), "reindex");
        assertEquals(5, result.exitCode(), result.everything());
    }

    private Object single(String sql) {
        try (Database db = Database.open(dataDir)) {
            return new Queries(db).userQuery(sql).rows().get(0).get(0);
        }
    }

    private long count(String sql) {
        return ((Number) single(sql)).longValue();
    }
}
