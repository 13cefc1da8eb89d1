package io.tgharvester.cli;

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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data dir's database is saved by the harvester, not by H2's own thread (store.SerialWrites): what a daemon
 * committed is in the file within half a second, so a kill -9 a little later loses none of it.
 */
class KillAfterSaveDelayTest {
    private static final String KEY = "save-delay-key";
    private static final Pattern FIRST_FETCH = Pattern.compile("event=fetch .*? new=(\\d+)");

    @TempDir
    Path dataDir;

    @Test
    void whatADaemonCommittedSurvivesAKillNineAfterTheSaveDelay() throws Exception {
        SimulatorConfig config = new SimulatorConfig(KEY, List.of("ann", "bob"), 0.1, Duration.ofMinutes(10), 30,
                Duration.ofHours(2), 30, Duration.ofMinutes(5), 0.1, 0, 0, 23L);
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(config, Clock.systemUTC())) {
            simulator.start(0);
            Process daemon = ChildHarvester.start(dataDir, log, simulator.baseUrl().toString(), KEY, "run");
            ChildHarvester.awaitLog(log, "event=fetch", daemon);
            Matcher fetched = FIRST_FETCH.matcher(Files.readString(log));
            assertTrue(fetched.find(), Files.readString(log));
            long stored = Long.parseLong(fetched.group(1));
            Thread.sleep(1500); // three times the save delay, SerialWrites.SAVE_DELAY

            daemon.destroyForcibly();
            assertTrue(daemon.waitFor(10, TimeUnit.SECONDS));

            assertTrue(stored > 0, "the first fetch stored samples");
            try (Database db = Database.open(dataDir)) {
                long kept = (long) new Queries(db).userQuery("SELECT COUNT(*) FROM samples").rows().get(0).get(0);
                assertTrue(kept >= stored, kept + " samples kept of the " + stored + " the first fetch stored");
            }
        }
    }
}
