package io.tgharvester.bench;

import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.config.ConfigLoader;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.pipeline.HarvestScheduler;
import io.tgharvester.pipeline.Harvester;
import io.tgharvester.report.HarvestSummary;
import io.tgharvester.sim.FaultPlan;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Faults: one backlog of finished samples harvested by {@code run --once} passes (in process, shipped defaults)
 * against the simulator at 0 %, 10 % and 25 % transient faults, in equal shares 429 (half with Retry-After: 1),
 * 500/502/503, reset connections and downloads cut half way; once on loopback, where a fault-free call takes about a
 * millisecond, and once with every answer 50 ms late, as across a wide-area link to the service. Each harvest is
 * reconciled with the simulator's ground truth; the table holds its time to complete, the ratio to the fault-free
 * time on the same link (and the same for the daemon on its shipped schedule, at 0 % and 25 %), HTTP calls per sample and the per-call retries. Target: at 25 %, a complete harvest in at
 * most twice the fault-free time, nothing lost.
 */
final class FaultsBench {
    private static final String KEY = "bench-faults-key";
    private static final int SAMPLES = 200;
    private static final List<Duration> LINKS = List.of(Duration.ZERO, Duration.ofMillis(50));
    private static final double TARGET_RATIO = 2.0;

    private FaultsBench() {
    }

    private record Harvest(double rate, double seconds, int passes, long calls, long retries, Reconciliation check) {
    }

    /** How the backlog is harvested: run --once passes, or the daemon on its shipped schedule. */
    private enum Mode { ONCE, DAEMON }

    static BenchTable run(Path work) throws Exception {
        List<BenchRow> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Duration latency : LINKS) {
            String link = latency.isZero() ? "loopback" : latency.toMillis() + " ms link";
            List<Harvest> harvests = new ArrayList<>();
            for (double rate : new double[] {0, 0.10, 0.25}) {
                harvests.add(harvest(Mode.ONCE, rate, latency, work.resolve(latency.toMillis() + "ms-"
                        + (int) (rate * 100))));
            }
            addRows(link, harvests, rows, notes);
        }
        for (Duration latency : LINKS) {
            List<Harvest> daemon = new ArrayList<>();
            for (double rate : new double[] {0, 0.25}) {
                daemon.add(harvest(Mode.DAEMON, rate, latency, work.resolve("daemon-" + latency.toMillis() + "ms-"
                        + (int) (rate * 100))));
            }
            addRows("daemon, " + (latency.isZero() ? "loopback" : latency.toMillis() + " ms link"), daemon, rows,
                    notes);
        }
        return new BenchTable("faults: a backlog of " + SAMPLES + " finished samples through transient faults"
                + " (run --once passes and the daemon, shipped defaults)", rows, notes);
    }

    private static void addRows(String link, List<Harvest> harvests, List<BenchRow> rows, List<String> notes) {
        double fastest = harvests.get(0).seconds();
        for (Harvest h : harvests) {
            String label = String.format(Locale.ROOT, "%s, %.0f %% faults", link, h.rate() * 100);
            rows.add(new BenchRow(label + ": seconds to a complete harvest", h.seconds(), fastest, TARGET_RATIO,
                    true, "s"));
            rows.add(new BenchRow(label + ": samples or artifacts lost or corrupt", h.check().samplesLost()
                    + h.check().statesWrong() + h.check().artifactsMissing() + h.check().artifactsCorrupt(), 1, 0,
                    true, ""));
            notes.add(String.format(Locale.ROOT, "%s: %d samples, %d of %d artifacts intact, %s,"
                            + " %.2f HTTP calls per sample, %d per-call retries.", label, h.check().samplesCollected(),
                    h.check().artifactsIntact(), h.check().artifactsExpected(),
                    h.passes() == 0 ? "the daemon" : h.passes() + " run --once passes",
                    (double) h.calls() / SAMPLES, h.retries()));
        }
    }

    private static boolean complete(Harvester harvester) {
        HarvestSummary summary = HarvestSummary.of(harvester.queries());
        return summary.complete() && summary.samples() == SAMPLES;
    }

    private static Harvest harvest(Mode mode, double rate, Duration latency, Path dataDir) throws Exception {
        // finished analyses of the last six hours, listed by the simulator's default cap and order
        SimulatorConfig org = new SimulatorConfig(KEY, List.of("alice.soc", "bob.ir", "carol.hunt"), 0.05,
                Duration.ofHours(1), SAMPLES, Duration.ofHours(6), SAMPLES, Duration.ofSeconds(10), 0.1, 0.1, 0.05,
                19L);
        double each = rate / 4;
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(org, Clock.systemUTC())) {
            simulator.start(0);
            simulator.latency(latency);
            simulator.faults(new FaultPlan(each, each, each, 0, each, 0, 0, 7L));
            HarvesterConfig config = new ConfigLoader(Map.of(), Optional.empty()).load(Optional.empty(), Map.of(
                    "tg.api-key", KEY, "tg.base-url", simulator.baseUrl().toString(),
                    "harvester.data-dir", dataDir.toString()));
            ThreatGridClient client = ThreatGridClient.connect(config);
            long started = System.nanoTime();
            int passes = 0;
            try (Harvester harvester = Harvester.open(config, client, Clock.systemUTC())) {
                if (mode == Mode.ONCE) {
                    do {
                        harvester.runOnce();
                        passes++;
                    } while (!complete(harvester) && passes < 100);
                } else {
                    try (HarvestScheduler daemon = new HarvestScheduler(harvester, config.fetchInterval(),
                            config.stateInterval(), config.downloadInterval())) {
                        daemon.start();
                        long giveUp = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                        while (!complete(harvester) && System.nanoTime() < giveUp) {
                            Thread.sleep(50);
                        }
                    }
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            Reconciliation check = Reconciliation.of(simulator.groundTruth(), Instant.now(), dataDir,
                    simulator.requests(), KEY, List.of());
            return new Harvest(rate, seconds, passes, simulator.requests().size(), client.retries(), check);
        }
    }
}
