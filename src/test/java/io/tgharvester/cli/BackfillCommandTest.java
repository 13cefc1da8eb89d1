package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.TestClock;
import io.tgharvester.sim.ListOrder;
import io.tgharvester.sim.SimulatedSample;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackfillCommandTest {
    private static final String KEY = "SECRET-backfill-key-3e";

    @TempDir
    Path dataDir;
    private TestClock clock;
    private ThreatGridSimulator simulator;

    @BeforeEach
    void start() {
        // 40 samples over the last ten days, ten a page; analyses take days, so the newer ones are unfinished
        clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        simulator = new ThreatGridSimulator(new SimulatorConfig(KEY, List.of("ann", "ben"), 0, Duration.ofDays(1), 40,
                Duration.ofDays(10), 40, Duration.ofDays(1), 0, 0, 0, 23L).withListing(10, ListOrder.SHUFFLED), clock);
        simulator.start(0);
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    private Map<String, String> env() {
        return Map.of("TG_API_KEY", KEY, "TG_BASE_URL", simulator.baseUrl().toString(), "TG_DATA_DIR",
                dataDir.toString(), "HARVESTER_BACKFILL_RATE", "6000", "HARVESTER_ARTIFACTS", "analysis.json");
    }

    private List<List<String>> csv(String sql) {
        return CliRun.run(env(), "sql", sql, "--format", "csv").out().lines().skip(1)
                .map(line -> List.of(line.split(","))).toList();
    }

    @Test
    void backfillListsTheHistoryWithPlainProgressLinesAndLeavesItQueuedForTheHarvester() {
        CliRun.Result backfill = CliRun.run(env(), "backfill", "--from", "11d");

        assertEquals(0, backfill.exitCode(), backfill.everything());
        List<String> lines = backfill.out().lines().toList();
        assertTrue(lines.get(0).matches("backfill default: from \\S+ to \\S+ in 11 windows of 1d, at most 6000 calls"
                + " a minute"), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.matches("backfill default: window \\d+ of 11 done \\(to \\S+\\) \\|"
                + " \\d+ samples, \\d+/min \\| .*")), backfill.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("backfill default: window 11 of 11 done")),
                "the last window is always shown: " + backfill.out());
        // a sample within a second of a window's edge is listed by both windows, and stored once
        assertTrue(lines.stream().anyMatch(l -> l.matches("backfill default: done, \\d+ samples listed in \\d+ pages"
                + " \\| now stored for default: samples 40 .*")), backfill.out());
        Set<String> truth = simulator.groundTruth().samples().stream().map(SimulatedSample::id)
                .collect(Collectors.toSet());
        assertEquals(truth, csv("SELECT id FROM samples").stream().map(r -> r.get(0)).collect(Collectors.toSet()));
        long succeeded = simulator.groundTruth().samples().stream().filter(s -> s.stateAt(clock.instant())
                .equals("succ")).count();
        assertTrue(succeeded > 0 && succeeded < 40, "some finished, some not: " + succeeded);
        assertEquals(List.of(List.of("pending", String.valueOf(succeeded))),
                csv("SELECT status, COUNT(*) FROM artifacts GROUP BY status"), "downloads are queued");
        assertFalse(backfill.everything().contains(KEY));

        CliRun.Result pass = CliRun.run(env(), "run", "--once", "--set", "harvester.initial-lookback=1h");
        assertEquals(0, pass.exitCode(), pass.everything());
        assertTrue(pass.out().contains("artifacts done " + succeeded + ", absent 0, failed 0, pending 0"),
                pass.out());
        assertTrue(simulator.requests().stream().anyMatch(r -> r.path().equals("/api/v2/samples/state")),
                "the unfinished backfilled samples were checked");
    }

    @Test
    void aTimeThatIsNeitherIsoNorRelativeIsOneClearLine() {
        CliRun.Result result = CliRun.run(env(), "backfill", "--from", "last tuesday");

        assertEquals(2, result.exitCode());
        assertEquals(List.of("tg-harvester: --from: cannot read 'last tuesday' as a time: use ISO-8601, e.g."
                + " 2026-11-01T08:00:00Z or 2026-11-01, or back from now such as 30d"), result.err().lines().toList());
        assertTrue(simulator.requests().isEmpty());
        CliRun.Result backwards = CliRun.run(env(), "backfill", "--from", "2d", "--to", "3d");
        assertEquals(2, backwards.exitCode());
        assertTrue(backwards.err().contains("must be before --to"), backwards.err());
    }
}
