package io.tgharvester.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.TestClock;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fetch and state stages started at the same moment, as the daemon's schedule starts them whenever their ticks
 * coincide (every 5 minutes on the shipped intervals, every 10 s in the demo), against the simulator and an H2
 * database on disk. Both see a sample's new state in the same round, and both store it.
 */
class ConcurrentStagesTest {
    private static final Instant START = Instant.parse("2026-11-30T18:00:00Z");
    private static final int ROUNDS = 20;

    @TempDir
    Path dataDir;

    @Test
    void fetchAndStateCheckRunningAtOnceRecordEachStateChangeOnceAndNeitherFails() throws Exception {
        // the demo's organization: a sample every ~2 s whose state moves every ~2.5 s, so most rounds see changes
        SimulatorConfig org = SimulatorConfig.demo("key").withMaxSamples(40);
        TestClock clock = new TestClock(START);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(org, clock);
             Database db = Database.open(dataDir)) {
            simulator.start(0);
            ListDrivenStages stages = new ListDrivenStages(simulator, db, clock);
            for (int round = 0; round < ROUNDS; round++) {
                clock.advance(Duration.ofSeconds(1));
                CyclicBarrier together = new CyclicBarrier(2);
                Future<Integer> fetch = pool.submit(() -> {
                    together.await();
                    return stages.fetcher.run();
                });
                Future<Integer> check = pool.submit(() -> {
                    together.await();
                    return stages.states.run();
                });
                // a stage that failed (a deadlock between the two, say) throws here
                fetch.get();
                check.get();
            }

            Queries queries = new Queries(db);
            List<List<Object>> repeated = queries.userQuery("""
                    SELECT sample_id, from_state, to_state, COUNT(*) FROM state_changes
                    GROUP BY sample_id, from_state, to_state HAVING COUNT(*) > 1""").rows();
            assertEquals(List.of(), repeated, "a simulated sample's states only move forward: no change twice");
            List<List<Object>> changes = queries.userQuery("SELECT COUNT(*) FROM state_changes").rows();
            assertTrue(((Number) changes.get(0).get(0)).longValue() > ROUNDS,
                    "the rounds saw states change: " + changes);
            List<List<Object>> wrongEnds = queries.userQuery("""
                    SELECT s.id, s.state, c.to_state FROM samples s JOIN state_changes c ON c.sample_id = s.id
                    WHERE c.observed_at = (SELECT MAX(observed_at) FROM state_changes WHERE sample_id = s.id)
                    AND c.to_state <> s.state""").rows();
            assertEquals(List.of(), wrongEnds, "each sample's history ends in its stored state");
        } finally {
            pool.shutdownNow();
        }
    }
}
