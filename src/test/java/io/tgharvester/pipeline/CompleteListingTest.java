package io.tgharvester.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.TestClock;
import io.tgharvester.sim.GroundTruth;
import io.tgharvester.sim.ListOrder;
import io.tgharvester.sim.SimulatedSample;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import io.tgharvester.store.SampleStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fetch and state stages, wired with the shipped defaults (page size 1000, overlap 10 min, lookback 7 d), against a
 * simulator that caps its pages and lists in an order of its own: whatever the cap and order, the harvest holds exactly
 * the samples the organization submitted, in their final states.
 */
class CompleteListingTest {
    private static final Instant START = Instant.parse("2026-11-27T08:00:00Z");

    @TempDir
    Path dataDir;

    static Stream<Arguments> capsAndOrders() {
        return Stream.of(1, 7, 50, 100)
                .flatMap(cap -> Stream.of(ListOrder.values()).map(order -> Arguments.of(cap, order)));
    }

    @ParameterizedTest(name = "page cap {0}, {1} first")
    @MethodSource("capsAndOrders")
    void everySampleIsHarvestedWhateverThePageCapAndOrder(int cap, ListOrder order) {
        // 100 samples over the last three hours, then 40 more, one every ~20 s, while the harvester runs
        SimulatorConfig org = new SimulatorConfig("key", List.of("alice", "bob", "carol"), 0.1, Duration.ofSeconds(20),
                100, Duration.ofHours(3), 140, Duration.ofSeconds(10), 0.1, 0, 0, 11L).withListing(cap, order);
        // Every reading moves the clock a second, so samples arrive while a listing is still paging.
        TestClock clock = TestClock.ticking(START, Duration.ofSeconds(1));
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(org, clock);
             Database db = Database.open(dataDir)) {
            simulator.start(0);
            ListDrivenStages stages = new ListDrivenStages(simulator, db, clock);
            for (int minute = 0; minute < 40; minute++) {
                clock.advance(Duration.ofMinutes(1));
                stages.fetcher.run();
                if (minute % 5 == 4) { // the state check runs every five minutes
                    stages.states.run();
                }
            }
            GroundTruth truth = simulator.groundTruth();
            assertEquals(140, truth.samples().size());
            assertEquals(expectedStates(truth), storedStates(db), "cap " + cap + ", " + order);
            assertTrue(simulator.requests().stream().filter(r -> r.path().equals("/api/v2/samples"))
                    .allMatch(r -> r.rawQuery().contains("org_only=True")));
        }
    }

    @Test
    void aBacklogLongerThanOneRoundsBoundIsListedOverSeveralRounds() {
        int backlog = SampleFetcher.MAX_PAGES_PER_ROUND + 150;
        SimulatorConfig org = new SimulatorConfig("key", List.of("alice", "bob"), 0, Duration.ofHours(1), backlog,
                Duration.ofDays(2), backlog, Duration.ofSeconds(10), 0, 0, 0, 5L).withListing(1, ListOrder.SHUFFLED);
        TestClock clock = new TestClock(START);
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(org, clock);
             Database db = Database.open(dataDir)) {
            simulator.start(0);
            ListDrivenStages stages = new ListDrivenStages(simulator, db, clock);

            stages.fetcher.run();
            assertEquals(SampleFetcher.MAX_PAGES_PER_ROUND, storedStates(db).size(), "one round lists its bound");
            assertEquals(Optional.empty(), stages.store.watermark(), "the listing is not complete yet");

            clock.advance(Duration.ofMinutes(1));
            stages.fetcher.run();
            assertEquals(expectedStates(simulator.groundTruth()).keySet(), storedStates(db).keySet());
            assertTrue(stages.store.watermark().isPresent(), "the complete listing moves the watermark");
            long secondRoundOffsets = simulator.requests().stream().filter(r -> r.path().equals("/api/v2/samples"))
                    .skip(SampleFetcher.MAX_PAGES_PER_ROUND).limit(1)
                    .filter(r -> r.rawQuery().contains("offset=" + SampleFetcher.MAX_PAGES_PER_ROUND)).count();
            assertEquals(1, secondRoundOffsets, "the second round continues where the first stopped");
        }
    }

    private static Map<String, String> expectedStates(GroundTruth truth) {
        return truth.samples().stream().collect(Collectors.toMap(SimulatedSample::id, s -> s.stateAt(truth.at())));
    }

    private static Map<String, String> storedStates(Database db) {
        Map<String, String> stored = new HashMap<>();
        new Queries(db).userQuery("SELECT id, state FROM samples").rows()
                .forEach(r -> stored.put((String) r.get(0), (String) r.get(1)));
        return stored;
    }
}
