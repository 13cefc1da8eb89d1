package io.tgharvester.cli;

import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.console.ConsoleServer;
import io.tgharvester.metrics.HarvestMetrics;
import io.tgharvester.store.Database;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the web console until stopped (Ctrl-C): overview, samples, a page per sample with its",
                "artifacts, users, find; /metrics for Prometheus and /healthz. Reads the harvest read-only, beside",
                "a running daemon; `run --serve` serves the same console from the daemon, with its call metrics."})
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;
    @Mixin
    private ConfigOptions config;
    @Mixin
    private ConsoleOptions console;

    @Override
    public Integer call() throws InterruptedException {
        HarvesterConfig cfg = config.load(main);
        Database db = Database.openReadOnly(cfg.dataDir());
        ConsoleServer server;
        try {
            server = console.start(main, cfg, db, HarvestMetrics.of(db), Optional.empty());
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            db.close();
            stopped.countDown();
        }, "tg-harvester-console-stop"));
        stopped.await();
        return 0;
    }
}
