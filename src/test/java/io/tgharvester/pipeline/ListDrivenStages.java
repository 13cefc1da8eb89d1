package io.tgharvester.pipeline;

import io.tgharvester.TestApi;
import io.tgharvester.config.ConfigLoader;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import io.tgharvester.store.Database;
import io.tgharvester.store.SampleStore;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** The two list-driven stages as the harvester wires them, with the configured overlap, lookback and page size. */
final class ListDrivenStages {
    final SampleStore store;
    final SampleFetcher fetcher;
    final StateChecker states;

    /** The stages with the shipped defaults (conf/harvester.properties). */
    ListDrivenStages(ThreatGridSimulator simulator, Database db, Clock clock) {
        this(new ConfigLoader(Map.of(), Optional.empty()).load(Optional.empty(), Map.of()), simulator, db, clock);
    }

    ListDrivenStages(HarvesterConfig config, ThreatGridSimulator simulator, Database db, Clock clock) {
        store = new SampleStore(db, config.artifacts());
        fetcher = new SampleFetcher(TestApi.client(simulator.baseUrl().toString()), store, clock,
                config.fetchOverlap(), config.initialLookback(), config.pageSize());
        states = new StateChecker(TestApi.client(simulator.baseUrl().toString()), store, clock,
                config.staleAfter());
    }
}
