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
            runOnceEachMinuteUntilAllFinal(env, simulator, simClock, 40);

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

    @Test
    void samplesThatFinishLongAfterTheyLeftTheListWindowAreCollectedThroughTheStateCheck() throws Exception {
        TestClock simClock = new TestClock(Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS));
        // analyses of about half an hour, three times the fetch overlap, one submission a minute
        SimulatorConfig config = new SimulatorConfig(KEY, List.of("alice", "bob"), 0, Duration.ofMinutes(1), 0,
                Duration.ZERO, 12, Duration.ofMinutes(8), 0.2, 0, 0, 33L);
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(config, simClock)) {
            simulator.start(0);
            Map<String, String> env = Map.of("TG_API_KEY", KEY, "TG_BASE_URL", simulator.baseUrl().toString(),
                    "TG_DATA_DIR", dataDir.toString());
            runOnceEachMinuteUntilAllFinal(env, simulator, simClock, 12);

            GroundTruth truth = simulator.groundTruth();
            try (Database db = Database.open(dataDir)) {
                Queries queries = new Queries(db);
                HarvestCheck.checkSamples(queries, truth, simClock.instant());
                HarvestCheck.checkArtifacts(queries, truth, simClock.instant(), dataDir);
                // completed_at comes only with a list item: a final sample without it was no longer listed
                long finishedOutsideTheList = ((Number) queries.userQuery("SELECT COUNT(*) FROM samples"
                        + " WHERE state IN ('succ', 'fail') AND completed_at IS NULL").rows().get(0).get(0)).longValue();
                assertTrue(finishedOutsideTheList >= 3, "finished after leaving the list window: " + finishedOutsideTheList);
            }
        }
    }

    /** {@code run --once} each simulated minute until all {@code samples} are final, then once more. */
    private static void runOnceEachMinuteUntilAllFinal(Map<String, String> env, ThreatGridSimulator simulator,
                                                       TestClock simClock, int samples) {
        int passes = 0;
        do {
            simClock.advance(Duration.ofMinutes(1));
            assertEquals(0, runOnce(env), "pass " + passes);
            passes++;
        } while (!HarvestCheck.allFinal(simulator.groundTruth(), simClock.instant(), samples) && passes < 200);
        assertEquals(0, runOnce(env), "a last pass after every sample finished");
    }

    private static int runOnce(Map<String, String> env) {
        StringWriter err = new StringWriter();
        int code = Main.run(env, new PrintWriter(new StringWriter()), new PrintWriter(err), "run", "--once",
                "--set", "harvester.download.retry-base=1s");
        assertEquals("", err.toString());
        return code;
    }
}
