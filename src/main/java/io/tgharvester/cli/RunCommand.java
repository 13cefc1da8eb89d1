package io.tgharvester.cli;

import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.config.ConnectionConfig;
import io.tgharvester.config.Durations;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.pipeline.HarvestScheduler;
import io.tgharvester.pipeline.Harvester;
import io.tgharvester.pipeline.StageResult;
import io.tgharvester.report.DailyReportWriter;
import io.tgharvester.report.HarvestSummary;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @Override
    public Integer call() throws InterruptedException {
        HarvesterConfig cfg = config.load(main);
        List<ConnectionConfig> connections = cfg.harvested(connection.alias());
        Map<String, ThreatGridClient> clients = new LinkedHashMap<>();
        for (ConnectionConfig c : connections) {
            clients.put(c.alias(), ThreatGridClient.connect(c, cfg));
        }
        Harvester harvester = Harvester.open(cfg, clients, Clock.systemUTC());
        if (once) {
            try (harvester) {
                return passOnce(harvester);
            }
        }
        runDaemon(harvester, cfg, connections);
        return 0;
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

    private void runDaemon(Harvester harvester, HarvesterConfig cfg, List<ConnectionConfig> connections)
            throws InterruptedException {
        HarvestScheduler scheduler = new HarvestScheduler(harvester, cfg.fetchInterval(), cfg.stateInterval(),
                cfg.downloadInterval());
        cfg.reportSchedule().ifPresent(schedule -> scheduler.scheduleReport(schedule,
                new DailyReportWriter(harvester.reportQueries(), cfg.dataDir(), schedule.zone(), schedule.period(),
                        Clock.systemUTC())::write));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("event=stopping detail=\"waiting for running jobs\"");
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
