package io.tgharvester.console;

import io.tgharvester.TestClock;
import io.tgharvester.api.Sample;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.config.ConfigLoader;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.metrics.HarvestMetrics;
import io.tgharvester.metrics.PipelineMetrics;
import io.tgharvester.pipeline.Harvester;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import io.tgharvester.store.Database;
import io.tgharvester.store.SampleStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real harvest for console tests: the simulator's organization harvested by run --once passes (fetch, state
 * check, downloads, parsing) until every sample has finished, plus one sample with a hostile filename, tag and login.
 */
final class ConsoleHarvest {
    static final String KEY = "console-test-key";
    static final int SAMPLES = 12;
    /** The hostile sample's id, filename, login and tag: markup that must come out as text. */
    static final String HOSTILE_ID = "%032x".formatted(0xbad);
    static final String HOSTILE_NAME = "<script>alert('name')</script>.exe";
    static final String HOSTILE_LOGIN = "\"><script>alert('login')</script>";
    static final String HOSTILE_TAG = "<img src=x onerror=alert('tag')>";

    private ConsoleHarvest() {
    }

    /** Harvests into {@code dataDir} and returns the configuration that harvested it. */
    static HarvesterConfig harvest(Path dataDir) {
        return harvest(dataDir, new PipelineMetrics());
    }

    /** Harvests as {@code run --serve} does, its client and stages reporting to {@code pipeline}. */
    static HarvesterConfig harvest(Path dataDir, PipelineMetrics pipeline) {
        TestClock clock = new TestClock(Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS));
        SimulatorConfig organization = new SimulatorConfig(KEY, List.of("alice", "bob", "carol"), 0.1,
                Duration.ofSeconds(40), 6, Duration.ofMinutes(30), SAMPLES, Duration.ofSeconds(45), 0.15, 0.2, 0.1,
                11L);
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(organization, clock)) {
            simulator.start(0);
            HarvesterConfig config = config(dataDir, Map.of("tg.base-url", simulator.baseUrl().toString()));
            ThreatGridClient client = ThreatGridClient.connect(config, pipeline);
            try (Harvester harvester = Harvester.open(config, client, Clock.systemUTC(), pipeline)) {
                pipeline.watch(List.of(client), harvester::pausedUntil, Clock.systemUTC());
                for (int pass = 0; pass < 30 && !allFinished(simulator, clock.instant()); pass++) {
                    clock.advance(Duration.ofMinutes(1));
                    harvester.runOnce();
                }
                harvester.runOnce();
            }
        }
        try (Database db = Database.open(dataDir)) {
            Instant submitted = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
            new SampleStore(db, List.of("analysis.json")).storePage(List.of(new Sample(HOSTILE_ID, "run",
                    Optional.of("analyzing_sample"), Optional.of(HOSTILE_NAME), Optional.of(HOSTILE_LOGIN),
                    Optional.empty(), Optional.empty(), Optional.of(submitted), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), List.of(HOSTILE_TAG, "phishing"),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())), Instant.now());
        }
        return config(dataDir, Map.of());
    }

    /** The packaged configuration over {@code dataDir}, the simulator's key, and {@code settings}. */
    static HarvesterConfig config(Path dataDir, Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(Map.of("tg.api-key", KEY, "harvester.data-dir", dataDir.toString(),
                "harvester.once.patience", "5s"));
        all.putAll(settings);
        return new ConfigLoader(Map.of(), Optional.empty()).load(Optional.empty(), all);
    }

    /** A console on a free loopback port over a read-only connection, as serve starts it. */
    static ConsoleServer serve(HarvesterConfig config, Database reader, Clock clock) {
        return ConsoleServer.start(config, config.console().at("127.0.0.1", 0), reader, HarvestMetrics.of(reader),
                Optional.empty(), clock);
    }

    private static boolean allFinished(ThreatGridSimulator simulator, Instant now) {
        return simulator.groundTruth().samples().size() == SAMPLES && simulator.groundTruth().samples().stream()
                .noneMatch(s -> s.stateAt(now).matches("wait|prep|run|proc"));
    }
}
