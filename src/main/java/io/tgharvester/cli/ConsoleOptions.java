package io.tgharvester.cli;

import io.tgharvester.config.ConsoleSettings;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.console.ConsoleServer;
import io.tgharvester.console.PauseState;
import io.tgharvester.metrics.HarvestMetrics;
import io.tgharvester.store.Database;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** Where the web console listens, for {@code serve} and {@code run --serve}; the rest is harvester.console.*. */
final class ConsoleOptions {
    private static final Logger log = LoggerFactory.getLogger(ConsoleOptions.class);

    @Option(names = "--port", paramLabel = "PORT",
            description = "Console port; 0 takes a free one (default: harvester.console.port, 8080).")
    Integer port;

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "Console address (default: harvester.console.bind, 127.0.0.1). Any other than loopback"
                    + " needs harvester.console.token.")
    String bind;

    ConsoleSettings settings(HarvesterConfig config) {
        ConsoleSettings configured = config.console();
        return configured.at(bind == null ? configured.bind() : bind, port == null ? configured.port() : port);
    }

    /**
     * Serves the console over a read-only connection of its own until the process is stopped (Ctrl-C, SIGTERM):
     * {@code serve}, and {@code demo --serve} after the demo.
     */
    void serveUntilStopped(Main main, HarvesterConfig config) throws InterruptedException {
        Database db = Database.openReadOnly(config);
        ConsoleServer server;
        try {
            server = start(main, config, db, HarvestMetrics.of(db), Optional.empty());
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
    }

    /** Starts the console over {@code db} (read-only) and says where it is. */
    ConsoleServer start(Main main, HarvesterConfig config, Database db, HarvestMetrics metrics,
                        Optional<PauseState> daemon) {
        ConsoleServer console = ConsoleServer.start(config, settings(config), db, metrics, daemon,
                Clock.systemUTC());
        log.info("event=console-started url={} token_required={}", console.address(), console.tokenRequired());
        main.out().printf("Console on %s%s (metrics %smetrics, health %shealthz)%n", console.address(),
                console.tokenRequired() ? " (harvester.console.token required)" : "", console.address(),
                console.address());
        main.out().flush();
        return console;
    }
}
