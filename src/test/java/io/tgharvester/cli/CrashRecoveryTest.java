package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.ChildHarvester;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harvester daemon, a separate JVM, killed with SIGKILL again and again while samples arrive, each time in the
 * middle of a download, then restarted: the end state is what an uninterrupted harvest gives, the simulator's
 * ground truth.
 */
class CrashRecoveryTest {
    private static final String KEY = "crash-test-key";
    private static final int SAMPLES = 35;
    /** How long each artifact takes to arrive while the kills go on: long enough to be caught in flight. */
    private static final Duration PACE = Duration.ofMillis(1500);

    @TempDir
    Path dataDir;

    @Test
    void repeatedKillNineDuringDownloadsLosesNothingAndLeavesNoHalfFiles() throws Exception {
        SimulatorConfig config = new SimulatorConfig(KEY, List.of("ivy", "jon", "kim"), 0.1, Duration.ofSeconds(1),
                10, Duration.ofMinutes(10), SAMPLES, Duration.ofMillis(1500), 0.15, 0.2, 0.1, 5L);
        Random random = new Random(9);
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(config, Clock.systemUTC())) {
            simulator.start(0);
            simulator.artifactPace(PACE);
            for (int kill = 0; kill < 6; kill++) {
                Path log = dataDir.resolveSibling(dataDir.getFileName() + "-" + kill + ".log");
                Process daemon = ChildHarvester.start(dataDir, log, simulator.baseUrl().toString(), KEY, "run",
                        "--set", "harvester.fetch-interval=400ms", "--set", "harvester.state-interval=700ms",
                        "--set", "harvester.download-interval=300ms");
                // "started" comes after the start-up removed the last kill's .part files: any .part now is this
                // daemon's own download in flight.
                ChildHarvester.awaitLog(log, "event=started", daemon);
                ChildHarvester.awaitDownload(dataDir, log, daemon);
                Thread.sleep(random.nextLong(PACE.toMillis() / 2)); // a random moment within that download

                daemon.destroyForcibly();
                assertTrue(daemon.waitFor(10, TimeUnit.SECONDS));
                assertFalse(ChildHarvester.partFiles(dataDir).isEmpty(), "kill " + kill + " came during a download");
            }
            simulator.artifactPace(Duration.ZERO);
            simulator.stopSubmissions();
            Map<String, String> env = Map.of("TG_API_KEY", KEY, "TG_BASE_URL", simulator.baseUrl().toString(),
                    "TG_DATA_DIR", dataDir.toString());
            Instant deadline = Instant.now().plusSeconds(60);
            boolean complete = false;
            while (!complete) {
                assertTrue(Instant.now().isBefore(deadline), "no complete harvest after the kills");
                // Only a pass that starts after every analysis has finished can see them all finished.
                int submitted = simulator.groundTruth().samples().size();
                boolean allFinal = HarvestCheck.allFinal(simulator.groundTruth(), Instant.now(), submitted);
                CliRun.Result pass = CliRun.run(env, "run", "--once",
                        "--set", "harvester.download.retry-base=200ms");
                complete = allFinal && pass.exitCode() == 0 && pass.out().contains("failed 0, pending 0");
                Thread.sleep(complete ? 0 : 500);
            }
            assertTrue(simulator.groundTruth().samples().size() > 20, "samples kept arriving during the kills");
            try (Database db = Database.open(dataDir)) {
                HarvestCheck.matchesGroundTruth(new Queries(db), simulator.groundTruth(), Instant.now(), dataDir);
            }
        }
        assertEquals(List.of(), ChildHarvester.partFiles(dataDir), "the restarts removed every .part file");
    }
}
