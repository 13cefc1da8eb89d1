package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.ChildHarvester;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harvester daemon, a separate JVM, killed with SIGKILL at random moments again and again while samples arrive,
 * each time restarted: the end state is what an uninterrupted harvest gives, the simulator's ground truth.
 */
class CrashRecoveryTest {
    private static final String KEY = "crash-test-key";
    private static final int SAMPLES = 35;

    @TempDir
    Path dataDir;

    @Test
    void repeatedKillNineLosesNothingAndLeavesNoHalfFiles() throws Exception {
        SimulatorConfig config = new SimulatorConfig(KEY, List.of("ivy", "jon", "kim"), 0.1, Duration.ofSeconds(1),
                10, Duration.ofMinutes(10), SAMPLES, Duration.ofMillis(1500), 0.15, 0.2, 0.1, 5L);
        Random random = new Random(9);
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(config, Clock.systemUTC())) {
            simulator.start(0);
            for (int kill = 0; kill < 6; kill++) {
                Process daemon = ChildHarvester.start(dataDir, log, simulator.baseUrl().toString(), KEY, "run",
                        "--set", "harvester.fetch-interval=400ms", "--set", "harvester.state-interval=700ms",
                        "--set", "harvester.download-interval=300ms");
                Thread.sleep(1500 + random.nextInt(2500));
                daemon.destroyForcibly();
                assertTrue(daemon.waitFor(10, TimeUnit.SECONDS));
            }
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
        try (Stream<Path> files = Files.walk(dataDir.resolve("artifacts"))) {
            assertEquals(List.of(), files.filter(p -> p.toString().endsWith(".part")).toList());
        }
    }
}
