package io.tgharvester.bench;

import io.tgharvester.TestClock;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.artifacts.ArtifactFiles;
import io.tgharvester.config.ConfigLoader;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.pipeline.ArtifactCollector;
import io.tgharvester.pipeline.RetryDelay;
import io.tgharvester.pipeline.SampleFetcher;
import io.tgharvester.pipeline.StateChecker;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import io.tgharvester.store.ArtifactStore;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import io.tgharvester.store.SampleStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The harvester's real stages against the simulator on a clock moved by hand, replaying the daemon's schedule
 * (fetch every fetch-interval, state check every state-interval, downloads right after each):
 * simulated hours take seconds and every run makes the same calls, unlike a wall-clock daemon on a loaded machine.
 */
final class ScheduleReplay implements AutoCloseable {
    private final TestClock clock;
    private final ThreatGridSimulator simulator;
    private final Database db;
    private final SampleFetcher fetcher;
    private final StateChecker stateChecker;
    private final ArtifactCollector collector;
    private final Duration fetchEvery;
    private final Duration stateEvery;
    private Instant nextState;

    ScheduleReplay(SimulatorConfig org, Instant start, Path dataDir) {
        clock = new TestClock(start);
        simulator = new ThreatGridSimulator(org, clock);
        simulator.start(0);
        HarvesterConfig config = new ConfigLoader(Map.of(), Optional.empty()).load(Optional.empty(), Map.of(
                "tg.api-key", org.apiKey(), "tg.base-url", simulator.baseUrl().toString(),
                "harvester.data-dir", dataDir.toString()));
        ThreatGridClient client = ThreatGridClient.connect(config);
        try {
            db = Database.open(dataDir);
        } catch (RuntimeException e) {
            simulator.close(); // its HTTP server thread would keep the JVM alive
            throw e;
        }
        SampleStore samples = new SampleStore(db, config.artifacts());
        fetcher = new SampleFetcher(client, samples, clock, config.fetchOverlap(), config.initialLookback(),
                config.pageSize());
        stateChecker = new StateChecker(client, samples, clock, config.staleAfter());
        collector = new ArtifactCollector(client, new ArtifactStore(db), new ArtifactFiles(dataDir), clock,
                new RetryDelay(config.retryBase(), config.retryMax(), new Random(7)), config.downloadConcurrency());
        fetchEvery = config.fetchInterval();
        stateEvery = config.stateInterval();
        nextState = start;
    }

    /** Runs the schedule until {@code until}, one fetch tick at a time. */
    void runUntil(Instant until) {
        while (clock.instant().isBefore(until)) {
            fetcher.run();
            if (!clock.instant().isBefore(nextState)) {
                stateChecker.run();
                nextState = nextState.plus(stateEvery);
            }
            // Every tick, as the daemon's download job (every 15 s, and at once after new successes) would; with
            // nothing due it makes no call.
            collector.run();
            clock.advance(fetchEvery);
        }
    }

    Instant now() {
        return clock.instant();
    }

    ThreatGridSimulator simulator() {
        return simulator;
    }

    Queries queries() {
        return new Queries(db);
    }

    @Override
    public void close() {
        db.close();
        simulator.close();
    }
}
