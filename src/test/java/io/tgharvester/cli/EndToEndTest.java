package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.TestClock;
import io.tgharvester.sim.GroundTruth;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline, `run --once` after `run --once`, against the simulator, checked against its ground truth. */
class EndToEndTest {
    private static final String KEY = "e2e-simulator-key";

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
            } while (!HarvestCheck.allFinal(simulator.groundTruth(), simClock.instant(), 40) && passes < 200);
            assertEquals(0, runOnce(env), "a last pass after every sample finished");

            GroundTruth truth = simulator.groundTruth();
            assertEquals(40, truth.samples().size());
            try (Database db = Database.open(dataDir)) {
                HarvestCheck.matchesGroundTruth(new Queries(db), truth, simClock.instant(), dataDir);
            }
            simulator.requests().stream().filter(r -> r.path().equals("/api/v2/samples"))
                    .forEach(r -> assertTrue(r.rawQuery().contains("org_only=True"), r.rawQuery()));
        }
    }

    @Test
    void afterAStopLongerThanAnyListWindowEverySampleSubmittedMeanwhileIsCollected() throws Exception {
        TestClock simClock = new TestClock(Instant.now().minus(12, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS));
        SimulatorConfig config = new SimulatorConfig(KEY, List.of("alice", "bob"), 0, Duration.ofMinutes(2), 3,
                Duration.ofMinutes(10), 0, Duration.ofSeconds(30), 0.1, 0, 0, 21L);
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(config, simClock)) {
            simulator.start(0);
            Map<String, String> env = Map.of("TG_API_KEY", KEY, "TG_BASE_URL", simulator.baseUrl().toString(),
                    "TG_DATA_DIR", dataDir.toString());
            assertEquals(0, runOnce(env));

            simClock.advance(Duration.ofHours(8)); // the harvester is down; about 240 samples arrive
            assertEquals(0, runOnce(env));

            GroundTruth truth = simulator.groundTruth();
            assertTrue(truth.samples().size() > 200, "samples submitted while down: " + truth.samples().size());
            try (Database db = Database.open(dataDir)) {
                HarvestCheck.matchesGroundTruth(new Queries(db), truth, simClock.instant(), dataDir);
            }
            assertTrue(simulator.requests().stream().filter(r -> r.path().equals("/api/v2/samples")).count() > 3,
                    "the backlog came in several pages");
        }
    }

    private static int runOnce(Map<String, String> env) {
        StringWriter err = new StringWriter();
        int code = Main.run(env, new PrintWriter(new StringWriter()), new PrintWriter(err), "run", "--once",
                "--set", "harvester.fetch-overlap=1d", "--set", "harvester.download.retry-base=1s",
                // pages smaller than the backlog, so the catch-up pages
                "--set", "harvester.page-size=100");
        assertEquals("", err.toString());
        return code;
    }
}
