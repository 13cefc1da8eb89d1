package io.tgharvester.cli;

import io.tgharvester.report.Format;
import io.tgharvester.report.TableRenderer;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"Run one read-only query on the harvest database (SELECT, WITH, TABLE, VALUES, SHOW, EXPLAIN).",
                "Tables: samples, state_changes, artifacts, user_stats (view), fetch_watermark, job_runs."})
final class SqlCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;
    @Mixin
    private ConfigOptions config;
    @Parameters(index = "0", paramLabel = "QUERY", description = "e.g. \"SELECT login, COUNT(*) FROM samples GROUP BY login\"")
    private String query;
    @Option(names = "--format", defaultValue = "table",
            description = "table, csv, json or jsonl (default: ${DEFAULT-VALUE}).")
    private Format format;

    @Override
    public Integer call() {
        try (Database db = Database.openReadOnly(config.load(main))) {
            main.out().print(TableRenderer.render(new Queries(db).userQuery(query), format));
            main.out().flush();
        }
        return 0;
    }
}
