package io.tgharvester.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.TestClock;
import io.tgharvester.api.CallRateLimit;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.config.ConfigLoader;
import io.tgharvester.config.ConnectionConfig;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.sim.ListOrder;
import io.tgharvester.sim.RecordedRequest;
import io.tgharvester.sim.SimulatedSample;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import io.tgharvester.store.BackfillProgress;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backfills over a simulator holding three weeks of history, on a test clock, into a real database. */
class BackfillRunTest {
    private static final String KEY = "backfill-test-key";
    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final Instant FROM = NOW.minus(Duration.ofDays(22));

    @TempDir
    Path dataDir;
    private final TestClock clock = new TestClock(NOW);
    private ThreatGridSimulator simulator;
    private HarvesterConfig config;
    private Database db;

    @BeforeEach
    void start() {
        // 240 samples over three weeks, listed ten to a page, newest first
        simulator = new ThreatGridSimulator(new SimulatorConfig(KEY, List.of("ann", "ben"), 0, Duration.ofHours(1),
                240, Duration.ofDays(21), 240, Duration.ofSeconds(5), 0.1, 0, 0, 17L).withListing(10,
                ListOrder.NEWEST), clock);
        simulator.start(0);
        config = new ConfigLoader(Map.of(), Optional.empty()).load(Optional.empty(), Map.of(
                "tg.api-key", KEY, "tg.base-url", simulator.baseUrl().toString(), "tg.auth", "header",
                "harvester.data-dir", dataDir.toString(), "harvester.backfill.window", "1d",
                "harvester.once.patience", "1s"));
        db = Database.open(dataDir);
    }

    @AfterEach
    void stop() {
        db.close();
        simulator.close();
    }

    /** A backfill as a fresh process makes it: its own client, at most {@code perMinute} calls of the test clock. */
    private BackfillRun backfill(int perMinute) {
        CallRateLimit rate = new CallRateLimit(perMinute, clock, clock::advance);
        ConnectionConfig connection = config.connection(ConnectionConfig.DEFAULT);
        ThreatGridClient client = ThreatGridClient.connect(connection, Duration.ofSeconds(5), config.callRetries(),
                Optional.of(rate));
        return new BackfillRun(ConnectionConfig.DEFAULT, client, config, db, clock);
    }

    private List<RecordedRequest> listCalls() {
        return simulator.requests().stream().filter(r -> r.path().equals("/api/v2/samples")).toList();
    }

    private Set<String> storedIds() {
        return new Queries(db).userQuery("SELECT id FROM samples").rows().stream().map(r -> (String) r.get(0))
                .collect(Collectors.toSet());
    }

    private Set<String> truthIds() {
        return simulator.groundTruth().samples().stream().filter(s -> !s.submittedAt().isBefore(FROM))
                .map(SimulatedSample::id).collect(Collectors.toSet());
    }

    @Test
    void walksEveryWindowPageByPageAndStoresExactlyTheSimulatorsSamples() {
        BackfillRun run = backfill(6000);
        BackfillProgress begun = run.begin("22d", Optional.empty(), FROM, NOW, false);
        List<BackfillProgress> seen = new ArrayList<>();

        BackfillProgress done = run.runToEnd(seen::add);

        assertEquals(22, begun.windowsTotal());
        assertEquals(22, done.windowsDone());
        assertTrue(done.finishedAt().isPresent());
        assertEquals(240, truthIds().size());
        assertEquals(truthIds(), storedIds());
        List<RecordedRequest> calls = listCalls();
        assertEquals(done.pages(), calls.size(), "one call a page");
        calls.forEach(c -> assertTrue(c.rawQuery().contains("org_only=True") && c.rawQuery().contains("before="),
                c.rawQuery()));
        Set<String> windows = calls.stream().map(c -> c.rawQuery().replaceAll("&offset=\\d+", ""))
                .collect(Collectors.toSet());
        assertEquals(22, windows.size(), "each window has its own after and before");
        assertTrue(calls.stream().anyMatch(c -> c.rawQuery().contains("offset=10")), "a window took several pages");
        assertEquals(seen.get(seen.size() - 1).samples(), done.samples());
        assertEquals(List.of(List.of("backfill")), new Queries(db).userQuery(
                "SELECT job FROM job_runs WHERE last_success_at IS NOT NULL").rows());
    }

    @Test
    void anInterruptedBackfillContinuesAfterTheLastPageItStored() {
        BackfillRun first = backfill(6000);
        first.begin("22d", Optional.empty(), FROM, NOW, false);
        Consumer<BackfillProgress> dyingAfterSevenPages = p -> {
            if (p.pages() == 7) {
                throw new IllegalStateException("the process was killed");
            }
        };
        assertThrows(IllegalStateException.class, () -> first.runToEnd(dyingAfterSevenPages));
        int callsBefore = listCalls().size();
        assertEquals(7, callsBefore);

        BackfillRun second = backfill(6000);
        BackfillProgress resumed = second.begin("22d", Optional.empty(), NOW.minus(Duration.ofDays(21)), NOW, false);
        assertEquals(7, resumed.pages(), "the same --from and --to continue the stored backfill");
        assertEquals(FROM, resumed.from(), "a relative --from keeps the time it was read as");
        BackfillProgress done = second.runToEnd(p -> { });

        assertEquals(truthIds(), storedIds());
        List<String> queries = listCalls().stream().map(RecordedRequest::rawQuery).toList();
        assertEquals(queries.size(), new HashSet<>(queries).size(), "no page was asked for twice");
        assertEquals(done.pages(), queries.size());
    }

    @Test
    void keepsToItsCallRateCountedOnTheClockItWaitsOn() {
        BackfillRun run = backfill(6);
        run.begin("3d", Optional.empty(), NOW.minus(Duration.ofDays(3)), NOW, false);

        run.runToEnd(p -> { });

        int calls = listCalls().size();
        assertTrue(calls >= 5, "enough calls to measure: " + calls);
        Duration waited = Duration.between(NOW, clock.instant());
        assertTrue(waited.compareTo(Duration.ofSeconds(10L * (calls - 1))) >= 0,
                calls + " calls at 6 a minute take at least " + (calls - 1) * 10 + " s, not " + waited);
        assertTrue(waited.compareTo(Duration.ofSeconds(10L * calls + 5)) < 0, "and no longer: " + waited);
    }

    @Test
    void anUnfinishedBackfillAskedForDifferentlyIsRefusedUnlessRestarted() {
        BackfillRun first = backfill(6000);
        first.begin("22d", Optional.empty(), FROM, NOW, false);
        assertThrows(IllegalStateException.class, () -> first.runToEnd(p -> {
            throw new IllegalStateException("interrupted");
        }));

        BackfillRun other = backfill(6000);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> other.begin("2026-11-01", Optional.empty(), Instant.parse("2026-11-01T00:00:00Z"), NOW, false));
        assertEquals("connection default has an unfinished backfill (--from 22d, window 2 of 22): run it again with"
                + " the same --from and --to to continue it, or add --restart to begin this one instead",
                refused.getMessage());

        BackfillProgress restarted = other.begin("2026-11-01", Optional.empty(),
                Instant.parse("2026-11-01T00:00:00Z"), NOW, true);
        assertEquals(0, restarted.pages());
        assertEquals(20, restarted.windowsTotal());
        assertFalse(restarted.complete());
    }
}
