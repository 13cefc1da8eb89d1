package io.tgharvester.cli;

import io.tgharvester.config.ConfigException;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.store.SqlToolsServer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "db-server", mixinStandardHelpOptions = true,
        description = {"Serve the harvest database read-only to SQL tools on loopback until stopped (Ctrl-C):",
                "psql over the PostgreSQL protocol, and JDBC clients (DBeaver's H2 driver, any Java tool) over H2's",
                "TCP protocol. Works while the daemon runs. Clients log in as user reader, password reader, and can",
                "only SELECT. With harvester.db.url the tools connect to the PostgreSQL server itself instead."})
final class DbServerCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;
    @Mixin
    private ConfigOptions config;
    @Option(names = "--pg-port", defaultValue = "5435",
            description = "PostgreSQL protocol port on 127.0.0.1; 0 takes a free one (default: ${DEFAULT-VALUE}).")
    private int pgPort;
    @Option(names = "--tcp-port", defaultValue = "9092",
            description = "H2 TCP (JDBC) port on 127.0.0.1; 0 takes a free one (default: ${DEFAULT-VALUE}).")
    private int tcpPort;

    @Override
    public Integer call() throws InterruptedException {
        if (pgPort < 0 || pgPort > 65_535 || tcpPort < 0 || tcpPort > 65_535) {
            throw new IllegalArgumentException("ports run from 0 (any free one) to 65535");
        }
        HarvesterConfig harvester = config.load(main);
        if (harvester.database().shared()) {
            throw new ConfigException("db-server serves the embedded H2 database only: with harvester.db.url the"
                    + " harvest is on a PostgreSQL server, which psql, DBeaver and JDBC tools connect to directly (as a"
                    + " login granted the tg_harvester_reader role)");
        }
        SqlToolsServer server = SqlToolsServer.start(harvester.dataDir(), pgPort, tcpPort);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "tg-harvester-db-server-stop"));
        PrintWriter out = main.out();
        out.printf("Serving %d tables and views read-only on 127.0.0.1 (Ctrl-C stops):%n", server.tables().size());
        out.printf("  psql:  PGPASSWORD=%s psql -h 127.0.0.1 -p %d -U %s %s%n", SqlToolsServer.PASSWORD,
                server.pgPort(), SqlToolsServer.USER, SqlToolsServer.DATABASE);
        out.printf("  JDBC:  jdbc:h2:tcp://127.0.0.1:%d/%s  (user %s, password %s)%n", server.tcpPort(),
                SqlToolsServer.DATABASE, SqlToolsServer.USER, SqlToolsServer.PASSWORD);
        out.println("  DBeaver: connection type H2 (Server), the JDBC URL above.");
        out.flush();
        stopped.await();
        return 0;
    }
}
