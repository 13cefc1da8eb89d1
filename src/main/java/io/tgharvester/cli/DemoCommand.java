package io.tgharvester.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.pipeline.HarvestScheduler;
import io.tgharvester.pipeline.Harvester;
import io.tgharvester.report.Format;
import io.tgharvester.report.HarvestSummary;
import io.tgharvester.report.TableRenderer;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Harvest from the built-in Threat Grid simulator into ./data, with progress and a summary.",
                "Zero configuration: the simulator runs on a free loopback port with seconds-scale states;",
                "the harvester runs its real Quartz schedule against it. Your real API key is never used."})
final class DemoCommand implements Callable<Integer> {
    /** Seconds-scale schedule so a whole sample lifecycle fits in the demo. */
    private static final Map<String, String> DEMO_SCHEDULE = Map.of(
            "harvester.fetch-interval", "2s",
            "harvester.state-interval", "5s",
            "harvester.download-interval", "1s",
            "harvester.fetch-overlap", "1m",
            "harvester.initial-lookback", "1d",
            "harvester.download.retry-base", "2s",
            "harvester.download.retry-max", "10s",
            "tg.auth", "auto");
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(60);
    private static final Duration TICK = Duration.ofMillis(500);

    @ParentCommand
    private Main main;
    @Mixin
    private ConfigOptions config;
    @Option(names = "--minutes", defaultValue = "1", paramLabel = "N",
            description = "How long new samples keep arriving (default: ${DEFAULT-VALUE}); the demo then waits, "
                    + "up to one more minute, for them to finish and be downloaded.")
    private double minutes;
    @Option(names = "--serve", description = "After the summary, serve the web console on the demo's harvest until"
            + " Ctrl-C (see tg-harvester serve).")
    private boolean serve;
    @Mixin
    private ConsoleOptions console;

    @Override
    public Integer call() throws InterruptedException {
        if (minutes <= 0 || minutes > 24 * 60) {
            throw new IllegalArgumentException("--minutes must be more than 0 and at most 1440");
        }
        if (main.environment("TG_LOG_LEVEL").isEmpty()) {
            // Every stage's INFO line would bury the progress display; warnings and errors still show.
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        }
        String key = "demo-" + UUID.randomUUID();
        Clock clock = Clock.systemUTC();
        HarvesterConfig cfg;
        int code;
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(SimulatorConfig.demo(key), clock)) {
            simulator.start(0);
            Map<String, String> settings = new LinkedHashMap<>(DEMO_SCHEDULE);
            settings.put("tg.base-url", simulator.baseUrl().toString());
            settings.put("tg.api-key", key);
            // the simulator is on loopback: never through a proxy the environment names
            settings.put("harvester.proxy", "direct");
            // the demo's harvest is a data dir's own, in H2, never mixed into a configured PostgreSQL database
            settings.put("harvester.db.url", "");
            cfg = config.load(main, settings);
            DemoDataDir.prepare(cfg.dataDir());
            PrintWriter out = main.out();
            out.printf("Threat Grid simulator on %s; harvesting into %s%n", simulator.baseUrl(),
                    cfg.dataDir().toAbsolutePath());
            out.flush();
            try (Harvester harvester = Harvester.open(cfg, ThreatGridClient.connect(cfg), clock)) {
                boolean drained = harvest(harvester, cfg, simulator, clock);
                code = summarize(harvester, drained, cfg);
            }
        }
        if (serve) {
            console.serveUntilStopped(main, cfg);
        }
        return code;
    }

    /** Runs the scheduled harvester while samples arrive, then until they are all finished and downloaded. */
    private boolean harvest(Harvester harvester, HarvesterConfig cfg, ThreatGridSimulator simulator, Clock clock)
            throws InterruptedException {
        Instant start = clock.instant();
        Instant submissionsEnd = start.plusMillis((long) (minutes * 60_000));
        Instant giveUp = submissionsEnd.plus(DRAIN_LIMIT);
        long totalSeconds = Duration.between(start, giveUp).toSeconds();
        HarvestScheduler scheduler = new HarvestScheduler(harvester, cfg.fetchInterval(), cfg.stateInterval(),
                cfg.downloadInterval());
        try (DemoProgress progress = new DemoProgress(main.out(), "demo", totalSeconds, System.console() != null)) {
            scheduler.start();
            boolean submitting = true;
            while (true) {
                Instant now = clock.instant();
                HarvestSummary summary = HarvestSummary.of(harvester.queries());
                progress.update(Duration.between(start, now).toSeconds(), summary.line());
                if (submitting && !now.isBefore(submissionsEnd)) {
                    simulator.stopSubmissions();
                    submitting = false;
                }
                if (!submitting && summary.samples() > 0 && summary.complete()) {
                    return true;
                }
                if (!now.isBefore(giveUp)) {
                    return false;
                }
                Thread.sleep(TICK.toMillis());
            }
        } finally {
            scheduler.close();
        }
    }

    private int summarize(Harvester harvester, boolean drained, HarvesterConfig cfg) {
        PrintWriter out = main.out();
        HarvestSummary summary = HarvestSummary.of(harvester.queries());
        long incomplete = harvester.queries().succeededWithoutAllArtifacts(cfg.artifacts().size());
        out.println();
        out.println("Demo summary: " + summary.line());
        out.printf("Succeeded samples with all %d artifacts on disk: %d of %d%n", cfg.artifacts().size(),
                summary.samplesByState().getOrDefault("succ", 0L) - incomplete,
                summary.samplesByState().getOrDefault("succ", 0L));
        out.println();
        out.println("Analyses parsed into the correlation tables (table parse_state):");
        out.print(TableRenderer.render(harvester.queries().analysesByParseStatus(), Format.TABLE));
        out.println();
        out.println("Per-user statistics (view user_stats):");
        out.print(TableRenderer.render(harvester.queries().userStats(), Format.TABLE));
        out.println();
        out.println("Next: scripts/tg-harvester status | scripts/tg-harvester sql \"SELECT login, filename, state"
                + " FROM samples ORDER BY submitted_at DESC LIMIT 10\"");
        out.flush();
        if (!drained || incomplete > 0) {
            main.err().println("tg-harvester: the demo ended before every sample was finished and downloaded");
            return ErrorReporter.UNEXPECTED;
        }
        return 0;
    }
}
