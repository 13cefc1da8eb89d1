package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.TestClock;
import io.tgharvester.sim.FaultPlan;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Harvesting from a simulator that answers 429, 5xx, resets, slow, truncated and malformed: nothing is lost once the
 * server recovers, and the API key, sent in every URL here, appears in no log line, output or file.
 */
class FaultInjectionTest {
    private static final String KEY = "LEAKCANARY-4f9e2b7d1c";
    private static final int SAMPLES = 30;

    @TempDir
    Path dataDir;

    @Test
    void aHarvestThroughInjectedFaultsEndsCompleteAndLeaksNoKey() throws Exception {
        TestClock simClock = new TestClock(Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS));
        SimulatorConfig config = new SimulatorConfig(KEY, List.of("ann", "ben", "cid"), 0.1, Duration.ofSeconds(40),
                6, Duration.ofMinutes(20), SAMPLES, Duration.ofSeconds(45), 0.15, 0.2, 0.1, 11L);
        StringBuilder everything = new StringBuilder();
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(config, simClock)) {
            simulator.start(0);
            simulator.faults(new FaultPlan(0.06, 0.06, 0.05, 0.02, 0.08, 0.06, 0.05, 300, 3));
            Map<String, String> env = Map.of("TG_API_KEY", KEY, "TG_BASE_URL", simulator.baseUrl().toString(),
                    "TG_DATA_DIR", dataDir.toString());
            for (int pass = 0; pass < 60 && !HarvestCheck.allFinal(simulator.groundTruth(), simClock.instant(),
                    SAMPLES); pass++) {
                simClock.advance(Duration.ofMinutes(1));
                CliRun.Result result = runOnce(env);
                everything.append(result.everything());
                assertTrue(Set.of(0, 4).contains(result.exitCode()), result.err());
            }
            assertTrue(everything.toString().contains("event=call-retry"), "the faults made calls be sent again");
            assertTrue(simulator.requests().stream().anyMatch(r -> r.headers().containsKey("Range")),
                    "some downloads were cut and resumed with a Range request");

            simulator.faults(FaultPlan.NONE);
            Instant deadline = Instant.now().plusSeconds(30);
            boolean complete = false;
            while (!complete && Instant.now().isBefore(deadline)) {
                CliRun.Result result = runOnce(env);
                everything.append(result.everything());
                complete = result.exitCode() == 0 && result.out().contains("failed 0, pending 0");
                Thread.sleep(complete ? 0 : 500);
            }
            assertTrue(complete, "the harvest did not complete once the faults stopped");
            try (Database db = Database.open(dataDir)) {
                HarvestCheck.matchesGroundTruth(new Queries(db), simulator.groundTruth(), simClock.instant(),
                        dataDir);
            }
            simulator.requests().stream().filter(r -> r.path().equals("/api/v2/samples"))
                    .forEach(r -> assertTrue(r.rawQuery().contains("org_only=True"), r.rawQuery()));
        }
        CliRun.Result status = CliRun.run(Map.of("TG_DATA_DIR", dataDir.toString()), "status");
        assertEquals(0, status.exitCode());
        everything.append(status.everything());
        assertFalse(everything.toString().contains(KEY), "the key leaked into logs or output");
        assertFalse(CliRun.anyFileContains(dataDir, KEY), "the key leaked into the data dir");
    }

    private static CliRun.Result runOnce(Map<String, String> env) {
        return CliRun.run(env, "run", "--once", "--set", "tg.auth=query",
                "--set", "harvester.download.retry-base=100ms", "--set", "harvester.download.retry-max=500ms",
                "--set", "harvester.http-timeout=5s");
    }
}
