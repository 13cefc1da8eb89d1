package io.tgharvester.cli;

import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.report.Format;
import io.tgharvester.report.TableRenderer;
import io.tgharvester.store.QueryResult;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** One row per configured connection: alias, server, route, whether it has a key; never a secret. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Lists each configured connection: its alias, server, proxy route and whether it has a key.")
final class ConnectionsListCommand implements Callable<Integer> {
    @ParentCommand
    private ConnectionsCommand parent;
    @Mixin
    private ConfigOptions config;
    @Option(names = "--format", defaultValue = "table",
            description = "table, csv, json or jsonl (default: ${DEFAULT-VALUE}).")
    private Format format;

    @Override
    public Integer call() {
        HarvesterConfig cfg = config.load(parent.main);
        List<List<Object>> rows = cfg.connections().stream().map(c -> List.<Object>of(c.alias(),
                c.baseUrl().toString(), c.proxy().describe(), c.proxy().source(),
                c.apiKey().isPresent() ? "set" : "missing", c.enabled())).toList();
        parent.main.out().print(TableRenderer.render(new QueryResult(List.of("connection", "base_url", "route",
                "route_from", "api_key", "enabled"), rows), format));
        parent.main.out().flush();
        return 0;
    }
}
