package io.tgharvester.cli;

import io.tgharvester.api.CallObserver;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.config.ConnectionConfig;
import io.tgharvester.config.Durations;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.console.ConsoleServer;
import io.tgharvester.metrics.HarvestMetrics;
import io.tgharvester.metrics.PipelineMetrics;
import io.tgharvester.pipeline.HarvestScheduler;
import io.tgharvester.pipeline.Harvester;
import io.tgharvester.pipeline.StageResult;
import io.tgharvester.report.DailyReportWriter;
import io.tgharvester.report.HarvestSummary;
import io.tgharvester.store.Database;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Harvest on the configured schedule until stopped (SIGTERM or Ctrl-C stop cleanly),",
                "or with --once: one full pass (fetch, state check, downloads) and exit, for cron and scripts.",
                "Every enabled connection is harvested, each on its own schedule, unless --connection picks one."})
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @ParentCommand
    private Main main;
    @Mixin
    private ConfigOptions config;
    @Option(names = "--once", description = "One pass and exit: 0 if every stage ran, non-zero with one line if not.")
    private boolean once;
    @Mixin
    private ConnectionOption connection;
    @Option(names = "--serve", description = "Also serve the web console, /metrics (with this daemon's calls,"
            + " retries, pauses and stage durations) and /healthz; see tg-harvester serve.")
    private boolean serve;
    @Mixin
    private ConsoleOptions console;

    @Override
    public Integer call() throws InterruptedException {
        if (once && serve) {
            throw new IllegalArgumentException("--serve goes with the daemon, not with --once");
        }
        HarvesterConfig cfg = config.load(main);
        List<ConnectionConfig> connections = cfg.harvested(connection.alias());
        if (serve) {
            serveDaemon(cfg, connections);
            return 0;
        }
        Harvester harvester = Harvester.open(cfg, clients(cfg, connections, CallObserver.NONE), Clock.systemUTC());
        if (once) {
            try (harvester) {
                return passOnce(harvester);
            }
        }
        runDaemon(harvester, cfg, connections, () -> { });
        return 0;
    }

    /**
     * The daemon with the console: its client and stages report to the console's metrics, and the console reads
     * the harvest over a read-only connection of its own, as {@code serve} does.
     */
    private void serveDaemon(HarvesterConfig cfg, List<ConnectionConfig> connections) throws InterruptedException {
        Clock clock = Clock.systemUTC();
        PipelineMetrics pipeline = new PipelineMetrics();
        Map<String, ThreatGridClient> clients = clients(cfg, connections, pipeline);
        Harvester harvester = Harvester.open(cfg, clients, clock, pipeline);
        pipeline.watch(clients.values(), harvester::pausedUntil, clock);
        Optional<Database> opened = Optional.empty();
        try {
            opened = Optional.of(Database.openReadOnly(cfg));
            Database reader = opened.get();
            // Its health judges the stages this process runs: with --connection, that connection's alone.
            ConsoleServer server = console.start(main, cfg.withConnections(connections), reader,
                    HarvestMetrics.of(reader, pipeline), Optional.of(harvester::pausedUntil));
            runDaemon(harvester, cfg, connections, () -> {
                server.close();
                reader.close();
            });
        } catch (RuntimeException e) {
            opened.ifPresent(Database::close);
            harvester.close();
            throw e;
        }
    }

    /** A client for each connection, by alias, each telling {@code observer} how its calls end. */
    private static Map<String, ThreatGridClient> clients(HarvesterConfig cfg, List<ConnectionConfig> connections,
                                                         CallObserver observer) {
        Map<String, ThreatGridClient> clients = new LinkedHashMap<>();
        for (ConnectionConfig c : connections) {
            clients.put(c.alias(), ThreatGridClient.connect(c, cfg, observer));
        }
        return clients;
    }

    private int passOnce(Harvester harvester) {
        List<StageResult> results = harvester.runOnce();
        main.out().println(HarvestSummary.of(harvester.queries(), connection.alias()).line() + " | "
                + leftUndone(results, harvester));
        for (StageResult result : results) {
            if (result.failure().isPresent()) {
                throw result.failure().get();
            }
        }
        return 0;
    }

    /** What the next pass still has to do: stages that did not finish, a listing that goes on, downloads due. */
    private static String leftUndone(List<StageResult> results, Harvester harvester) {
        List<String> undone = new ArrayList<>();
        results.stream().filter(r -> r.status() != StageResult.Status.DONE)
                .forEach(r -> undone.add(r.stage() + " stage unfinished"));
        List<String> notRun = harvester.stageNames().stream()
                .filter(name -> results.stream().noneMatch(r -> r.stage().equals(name))).toList();
        if (!notRun.isEmpty()) {
            undone.add("not run: " + String.join(", ", notRun));
        }
        for (List<Object> row : harvester.queries().listingInProgress().rows()) {
            if (harvester.connectionAliases().contains(row.get(0))) {
                undone.add((ConnectionConfig.DEFAULT.equals(row.get(0)) ? "listing" : "listing of " + row.get(0))
                        + " continues at offset " + row.get(3));
            }
        }
        return undone.isEmpty() ? "pass complete" : "left for the next run: " + String.join("; ", undone);
    }

    /** Runs the schedule until SIGTERM; {@code beforeStop} runs first on the way down (the console stops). */
    private void runDaemon(Harvester harvester, HarvesterConfig cfg, List<ConnectionConfig> connections,
                           Runnable beforeStop)
            throws InterruptedException {
        HarvestScheduler scheduler = new HarvestScheduler(harvester, cfg.database(), cfg.fetchInterval(),
                cfg.stateInterval(), cfg.downloadInterval());
        cfg.reportSchedule().ifPresent(schedule -> scheduler.scheduleReport(schedule,
                new DailyReportWriter(harvester.reportQueries(), cfg.dataDir(), schedule.zone(), schedule.period(),
                        Clock.systemUTC())::write));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("event=stopping detail=\"waiting for running jobs\"");
            beforeStop.run();
            scheduler.close();
            harvester.close();
            log.info("event=stopped");
            stopped.countDown();
        }, "tg-harvester-shutdown"));
        scheduler.start();
        log.info("event=started data_dir={} fetch_every={} state_every={} download_every={}",
                cfg.dataDir().toAbsolutePath(), Durations.format(cfg.fetchInterval()),
                Durations.format(cfg.stateInterval()), Durations.format(cfg.downloadInterval()));
        connections.forEach(c -> log.info("event=connection alias={} base_url={} proxy=\"{}\"", c.alias(),
                c.baseUrl(), c.proxy().describe()));
        cfg.reportSchedule().ifPresent(schedule -> log.info("event=reports-scheduled cron=\"{}\" zone={} period={}",
                schedule.cron(), schedule.zone(), Durations.format(schedule.period())));
        stopped.await();
    }
}
