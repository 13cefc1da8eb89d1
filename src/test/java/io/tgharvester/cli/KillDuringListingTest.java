package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.ChildHarvester;
import io.tgharvester.TestClock;
import io.tgharvester.sim.FaultPlan;
import io.tgharvester.sim.ListOrder;
import io.tgharvester.sim.RecordedRequest;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --once} in a JVM of its own, SIGKILLed twice in the middle of a listing of many pages, newest first:
 * the next run continues the listing where the database says it stopped, and the harvest is complete.
 */
class KillDuringListingTest {
    private static final String KEY = "listing-kill-key";
    private static final int SAMPLES = 150;

    @TempDir
    Path dataDir;

    @Test
    void killNineBetweenThePagesOfAListingLosesNoSample() throws Exception {
        // 150 samples of the last six hours, one per page: the first listing takes 150 pages
        SimulatorConfig config = new SimulatorConfig(KEY, List.of("lea", "max"), 0.1, Duration.ofHours(1), SAMPLES,
                Duration.ofHours(6), SAMPLES, Duration.ofSeconds(5), 0.1, 0, 0, 17L).withListing(1, ListOrder.NEWEST);
        TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(config, clock)) {
            simulator.start(0);
            // every answer 30 ms late, so a kill lands between two pages rather than after the last
            simulator.faults(new FaultPlan(0, 0, 0, 1, 0, 0, 30, 1));
            for (int killAt : List.of(40, 90)) {
                Process run = ChildHarvester.start(dataDir, log, simulator.baseUrl().toString(), KEY, "run", "--once");
                while (listCalls(simulator).size() < killAt) {
                    assertTrue(run.isAlive(), "run --once ended before the kill: it did not continue the listing:\n"
                            + Files.readString(log));
                    Thread.sleep(5);
                }
                run.destroyForcibly();
                assertTrue(run.waitFor(10, TimeUnit.SECONDS));
            }
            simulator.faults(FaultPlan.NONE);
            int callsBeforeRestart = listCalls(simulator).size();

            Map<String, String> env = Map.of("TG_API_KEY", KEY, "TG_BASE_URL", simulator.baseUrl().toString(),
                    "TG_DATA_DIR", dataDir.toString());
            CliRun.Result status = CliRun.run(env, "status");
            assertTrue(status.out().contains("listing_after") && status.out().contains("next_offset"),
                    "status shows the listing that goes on: " + status.out());

            clock.advance(Duration.ofMinutes(1));
            CliRun.Result pass = CliRun.run(env, "run", "--once");
            assertEquals(0, pass.exitCode(), pass.everything());

            String resumed = listCalls(simulator).get(callsBeforeRestart).rawQuery();
            assertTrue(!resumed.contains("offset=0&") && !resumed.endsWith("offset=0"),
                    "the restarted run continues the listing: " + resumed);
            assertTrue(!CliRun.run(env, "status").out().contains("listing_after"), "no listing left over");
            try (Database db = Database.open(dataDir)) {
                HarvestCheck.matchesGroundTruth(new Queries(db), simulator.groundTruth(), clock.instant(), dataDir);
            }
        }
    }

    private static List<RecordedRequest> listCalls(ThreatGridSimulator simulator) {
        return simulator.requests().stream().filter(r -> r.path().equals("/api/v2/samples")).toList();
    }
}
