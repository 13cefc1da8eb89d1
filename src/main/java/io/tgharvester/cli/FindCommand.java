package io.tgharvester.cli;

import io.tgharvester.correlate.Indicator;
import io.tgharvester.report.Format;
import io.tgharvester.report.TableRenderer;
import io.tgharvester.store.CorrelationQueries;
import io.tgharvester.store.Database;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "find", mixinStandardHelpOptions = true,
        description = {"List the samples whose analysis shows a domain, an IP, a file hash, an IOC or a URL,",
                "newest submission first, with who submitted them and when. Works while the daemon runs."},
        footer = {"", "Examples:", "  tg-harvester find --domain update-check.example.net",
                "  tg-harvester find --url-like '%/gate.php%' --format csv"})
final class FindCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;
    @Mixin
    private ConfigOptions config;
    @Mixin
    private ConnectionOption connection;
    @ArgGroup(multiplicity = "1")
    private What what;
    @Option(names = "--limit", defaultValue = "100", description = "At most this many samples (default: ${DEFAULT-VALUE}).")
    private int limit;
    @Option(names = "--format", defaultValue = "table",
            description = "table, csv, json or jsonl (default: ${DEFAULT-VALUE}).")
    private Format format;

    /** Exactly one thing to look for. */
    static final class What {
        @Option(names = "--domain", paramLabel = "DOMAIN", description = "A contacted domain (exact, any case).")
        String domain;
        @Option(names = "--ip", paramLabel = "ADDRESS", description = "An IP address the sample talked to or from.")
        String ip;
        @Option(names = "--sha256", paramLabel = "HASH",
                description = "A file's sha256: the submitted file or one the analysis dropped or extracted.")
        String sha256;
        @Option(names = "--ioc", paramLabel = "NAME", description = "An IOC name, e.g. persistence-run-key.")
        String ioc;
        @Option(names = "--url-like", paramLabel = "PATTERN",
                description = "A URL pattern with SQL LIKE wildcards (% any run, _ one character); "
                        + "without a % it matches anywhere in the URL.")
        String urlLike;

        Indicator indicator() {
            return domain != null ? Indicator.DOMAIN : ip != null ? Indicator.IP : sha256 != null ? Indicator.SHA256
                    : ioc != null ? Indicator.IOC : Indicator.URL_LIKE;
        }

        String value() {
            return switch (indicator()) {
                case DOMAIN -> domain;
                case IP -> ip;
                case SHA256 -> sha256;
                case IOC -> ioc;
                case URL_LIKE -> urlLike;
            };
        }
    }

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1");
        }
        Indicator indicator = what.indicator();
        String value = indicator.normalize(what.value());
        try (Database db = Database.openReadOnly(config.load(main))) {
            CorrelationQueries queries = new CorrelationQueries(db);
            CorrelationQueries.Found found = queries.find(indicator, value, limit, connection.alias());
            main.out().print(TableRenderer.render(found.samples(), format));
            main.out().flush();
            if (found.matching().isEmpty()) {
                main.err().printf("Thousands of samples match; the newest %d are listed (--limit).%n", limit);
            } else if (found.matching().getAsLong() > limit) {
                main.err().printf("%d samples match; the newest %d are listed (--limit).%n",
                        found.matching().getAsLong(), limit);
            }
            if (!queries.anyAnalysisParsed()) {
                main.err().println("No analysis.json has been parsed into the correlation tables yet:"
                        + " run `tg-harvester reindex`, or wait for the parse stage.");
            }
        }
        return 0;
    }
}
