package io.tgharvester.cli;

import io.tgharvester.config.ConfiguredValue;
import io.tgharvester.config.Redaction;
import io.tgharvester.report.Format;
import io.tgharvester.report.TableRenderer;
import io.tgharvester.store.QueryResult;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"Print every configuration key's effective value and its source: default"
                + " (conf/harvester.properties as shipped), file (an edited conf/harvester.properties or --config),"
                + " env (the variable named) or flag (--set); later sources win in that order.",
                "Secrets (every connection's API key, proxy credentials, and any *-key, *-password, *-token or"
                + " *-secret, credentials in a URL) show as ***. The values are then checked as any command checks"
                + " them."})
final class ConfigShowCommand implements Callable<Integer> {
    @ParentCommand
    private ConfigCommand parent;
    @Mixin
    private ConfigOptions config;
    @Option(names = "--format", defaultValue = "table",
            description = "table, csv, json or jsonl (default: ${DEFAULT-VALUE}).")
    private Format format;

    @Override
    public Integer call() {
        List<List<Object>> rows = config.effective(parent.main).values().stream()
                .map(ConfigShowCommand::row).toList();
        parent.main.out().print(TableRenderer.render(new QueryResult(List.of("key", "value", "source", "from"), rows),
                format));
        parent.main.out().flush();
        config.load(parent.main);
        return 0;
    }

    private static List<Object> row(ConfiguredValue value) {
        return List.of(value.key(), Redaction.configValue(value.key(), value.value()),
                value.source().name().toLowerCase(Locale.ROOT), value.origin());
    }
}
