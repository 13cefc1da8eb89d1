package io.tgharvester.cli;

import io.tgharvester.report.Format;
import io.tgharvester.report.TableRenderer;
import io.tgharvester.store.ClusterQueries;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import io.tgharvester.store.QueryResult;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Samples by state, the download backlog, parsed analyses, each stage's last success",
                "and failure, the fetch watermark, and a listing that continues next round; with several",
                "connections, their samples each; on PostgreSQL, the cluster's nodes with their last check-in",
                "and the download claims each holds. Works while the daemon runs."})
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;
    @Mixin
    private ConfigOptions config;
    @Option(names = "--format", defaultValue = "table",
            description = "table, csv, json or jsonl (default: ${DEFAULT-VALUE}).")
    private Format format;
    @Mixin
    private ConnectionOption connection;

    @Override
    public Integer call() {
        try (Database db = Database.openReadOnly(config.load(main))) {
            Queries queries = new Queries(db);
            PrintWriter out = main.out();
            Optional<String> only = connection.alias();
            out.print(TableRenderer.render(queries.samplesByState(only), format));
            out.println();
            out.print(TableRenderer.render(queries.artifactsByStatus(only), format));
            out.println();
            out.print(TableRenderer.render(queries.analysesByParseStatus(), format));
            out.println();
            out.print(TableRenderer.render(queries.jobRuns(only), format));
            QueryResult connections = queries.samplesByConnection();
            if (only.isEmpty() && connections.rows().size() > 1) {
                out.println();
                out.print(TableRenderer.render(connections, format));
            }
            QueryResult listing = queries.listingInProgress(only);
            if (!listing.rows().isEmpty()) {
                out.println();
                out.print(TableRenderer.render(listing, format));
            }
            if (db.shared()) {
                ClusterQueries cluster = new ClusterQueries(db);
                Instant now = Clock.systemUTC().instant();
                out.println();
                out.print(TableRenderer.render(cluster.nodes(now), format));
                out.println();
                out.print(TableRenderer.render(cluster.claims(now, only), format));
            }
            out.flush();
        }
        return 0;
    }
}
