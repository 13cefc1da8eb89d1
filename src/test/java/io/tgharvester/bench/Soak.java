package io.tgharvester.bench;

import io.tgharvester.ChildHarvester;
import io.tgharvester.config.Durations;
import io.tgharvester.sim.FaultPlan;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The soak: the harvester daemon against the fault-injecting simulator on an accelerated clock, killed with SIGKILL
 * at random and restarted, then reconciled with the simulator's ground truth. The harvester's own intervals are
 * divided by the speed, so its schedule keeps pace with simulated time.
 */
public final class Soak {
    /** What one soak is asked to do. */
    record Plan(double hours, double speed, Duration meanKillEvery, long seed, Path workDir) {
    }

    /** How a soak went: the reconciliation and what it took. */
    record Outcome(Reconciliation reconciliation, int kills, Duration wallTime, Duration simulatedTime) {
    }

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        double hours = 24;
        double speed = 100;
        long killEvery = 40;
        long seed = 2026;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--hours" -> hours = Double.parseDouble(args[++i]);
                case "--speed" -> speed = Double.parseDouble(args[++i]);
                case "--kill-every" -> killEvery = Durations.parse(args[++i]).toSeconds();
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--help", "-h" -> {
                    System.out.println("Usage: scripts/bench soak [--hours H (24)] [--speed X (100)] "
                            + "[--kill-every 40s] [--seed N (2026)]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
            }
        }
        Path work = Files.createTempDirectory("tg-soak");
        Outcome outcome = run(new Plan(hours, speed, Duration.ofSeconds(killEvery), seed, work));
        System.out.printf("soak: %.1f simulated hours at %.0fx in %s wall time, %d kills (SIGKILL) and restarts%n",
                hours, speed, outcome.wallTime().truncatedTo(ChronoUnit.SECONDS), outcome.kills());
        System.out.println(outcome.reconciliation().table());
        System.out.println("work dir: " + work);
        System.exit(outcome.reconciliation().clean() ? 0 : 1);
    }

    static Outcome run(Plan plan) throws Exception {
        String key = "soak-key-" + Long.toHexString(plan.seed()) + "-c4n4ry";
        Instant wallStart = Instant.now();
        Instant simStart = wallStart.truncatedTo(ChronoUnit.SECONDS);
        AcceleratedClock clock = new AcceleratedClock(simStart, plan.speed());
        Duration simulated = Duration.ofSeconds((long) (plan.hours() * 3600));
        SimulatorConfig config = new SimulatorConfig(key, List.of("alice.soc", "bob.ir", "carol.hunt", "dave.noc"),
                0.05, Duration.ofSeconds(40), 20, Duration.ofHours(2), 0, Duration.ofMinutes(2), 0.1, 0.1, 0.05,
                plan.seed());
        Path dataDir = plan.workDir().resolve("data");
        List<Path> logs = new ArrayList<>();
        Random random = new Random(plan.seed());
        int kills = 0;
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(config, clock)) {
            simulator.start(0);
            simulator.faults(new FaultPlan(0.02, 0.02, 0.01, 0.01, 0.02, 0.02, 200, plan.seed()));
            Instant simEnd = simStart.plus(simulated);
            int run = 0;
            while (clock.instant().isBefore(simEnd)) {
                Path log = plan.workDir().resolve("harvester-" + run++ + ".log");
                logs.add(log);
                Process daemon = start(dataDir, log, simulator, key, plan.speed());
                long lifeMillis = (long) (plan.meanKillEvery().toMillis() * (0.3 + 1.4 * random.nextDouble()));
                long untilEnd = Duration.between(clock.instant(), simEnd).toMillis() / (long) plan.speed();
                if (lifeMillis < untilEnd) {
                    Thread.sleep(lifeMillis);
                    daemon.destroyForcibly();
                    kills++;
                } else {
                    Thread.sleep(Math.max(0, untilEnd));
                    daemon.destroy();
                }
                daemon.waitFor(30, TimeUnit.SECONDS);
            }
            // Calm after the storm: no new samples, no faults; the harvester finishes what is left.
            simulator.stopSubmissions();
            simulator.faults(FaultPlan.NONE);
            Path log = plan.workDir().resolve("harvester-final.log");
            logs.add(log);
            Process daemon = start(dataDir, log, simulator, key, plan.speed());
            Instant giveUp = Instant.now().plus(Duration.ofMinutes(3));
            while (!finished(dataDir, simulator, clock) && Instant.now().isBefore(giveUp)) {
                Thread.sleep(500);
            }
            daemon.destroy();
            daemon.waitFor(30, TimeUnit.SECONDS);
            Reconciliation result = Reconciliation.of(simulator.groundTruth(), clock.instant(), dataDir,
                    simulator.requests(), key, logs);
            return new Outcome(result, kills, Duration.between(wallStart, Instant.now()),
                    Duration.between(simStart, clock.instant()));
        }
    }

    private static Process start(Path dataDir, Path log, ThreatGridSimulator simulator, String key, double speed)
            throws IOException {
        return ChildHarvester.start(dataDir, log, simulator.baseUrl().toString(), key, "run",
                "--set", "tg.auth=query",
                "--set", "harvester.fetch-interval=" + scaled(Duration.ofMinutes(1), speed),
                "--set", "harvester.state-interval=" + scaled(Duration.ofMinutes(5), speed),
                "--set", "harvester.download-interval=" + scaled(Duration.ofSeconds(15), speed),
                "--set", "harvester.download.retry-base=" + scaled(Duration.ofSeconds(5), speed),
                "--set", "harvester.download.retry-max=" + scaled(Duration.ofHours(1), speed),
                "--set", "harvester.backoff.base=" + scaled(Duration.ofSeconds(15), speed),
                "--set", "harvester.backoff.max=" + scaled(Duration.ofMinutes(15), speed),
                "--set", "harvester.http-timeout=10s");
    }

    private static String scaled(Duration real, double speed) {
        return Math.max(50, (long) (real.toMillis() / speed)) + "ms";
    }

    private static boolean finished(Path dataDir, ThreatGridSimulator simulator, AcceleratedClock clock) {
        if (!Database.exists(dataDir)) {
            return false;
        }
        Instant now = clock.instant();
        boolean allFinal = simulator.groundTruth().samples().stream()
                .allMatch(s -> s.stateAt(now).equals("succ") || s.stateAt(now).equals("fail"));
        try (Database db = Database.openReadOnly(dataDir)) {
            List<List<Object>> open = new Queries(db).userQuery("""
                    SELECT (SELECT COUNT(*) FROM samples WHERE state NOT IN ('succ', 'fail', 'stale')),
                           (SELECT COUNT(*) FROM artifacts WHERE status IN ('pending', 'failed')),
                           (SELECT COUNT(*) FROM samples)""").rows();
            long unfinished = ((Number) open.get(0).get(0)).longValue();
            long due = ((Number) open.get(0).get(1)).longValue();
            long stored = ((Number) open.get(0).get(2)).longValue();
            return allFinal && unfinished == 0 && due == 0 && stored == simulator.groundTruth().samples().size();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
