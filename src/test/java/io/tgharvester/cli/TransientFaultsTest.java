package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole harvest while a quarter of all calls fail (429 with and without Retry-After, 500/502/503, reset
 * connections and downloads cut half way, in equal shares), with the shipped defaults: {@code run --once} completes
 * its pass, and the harvest equals the simulator's ground truth, every sample and every artifact's sha256.
 */
class TransientFaultsTest {
    private static final String KEY = "transient-faults-key";
    private static final int SAMPLES = 40;

    @TempDir
    Path dataDir;

    @Test
    void runOnceCompletesAHarvestWhileAQuarterOfAllCallsFail() throws Exception {
        TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        SimulatorConfig org = new SimulatorConfig(KEY, List.of("ann", "ben", "cid"), 0.1, Duration.ofHours(1),
                SAMPLES, Duration.ofHours(3), SAMPLES, Duration.ofSeconds(20), 0.15, 0.2, 0.1, 23L);
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(org, clock)) {
            simulator.start(0);
            simulator.faults(new FaultPlan(0.0625, 0.0625, 0.0625, 0, 0.0625, 0, 0, 31L));
            Map<String, String> env = Map.of("TG_API_KEY", KEY, "TG_BASE_URL", simulator.baseUrl().toString(),
                    "TG_DATA_DIR", dataDir.toString());

            CliRun.Result first = CliRun.run(env, "run", "--once");
            assertEquals(0, first.exitCode(), first.err());
            assertTrue(first.logs().contains("event=call-retry"), "faults were met and retried");
            // A download that failed four times in a row waits longer than one pass's patience: rare, not lost.
            for (int pass = 1; pass < 3 && !first.out().contains("failed 0, pending 0"); pass++) {
                first = CliRun.run(env, "run", "--once");
            }

            try (Database db = Database.open(dataDir)) {
                HarvestCheck.matchesGroundTruth(new Queries(db), simulator.groundTruth(), clock.instant(), dataDir);
            }
        }
    }
}
