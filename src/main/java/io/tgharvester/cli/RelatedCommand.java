package io.tgharvester.cli;

import io.tgharvester.api.SampleIds;
import io.tgharvester.correlate.RelatedSamples;
import io.tgharvester.report.Format;
import io.tgharvester.report.TableRenderer;
import io.tgharvester.store.CorrelationQueries;
import io.tgharvester.store.Database;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "related", mixinStandardHelpOptions = true,
        description = {"List other samples sharing contacted domains, destination IPs, file hashes or IOCs with",
                "one sample, ranked by how many they share (then by how rare the shared values are).",
                "Values seen in more than --common-above other samples relate nothing and are left out."})
final class RelatedCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;
    @Mixin
    private ConfigOptions config;
    @Mixin
    private ConnectionOption connection;
    @Parameters(index = "0", paramLabel = "SAMPLE_ID", description = "The sample's Threat Grid id (32 hex digits).")
    private String sampleId;
    @Option(names = "--limit", defaultValue = "20", description = "At most this many samples (default: ${DEFAULT-VALUE}).")
    private int limit;
    @Option(names = "--common-above", defaultValue = "" + RelatedSamples.DEFAULT_COMMON_ABOVE,
            description = "Leave out values shared with more than this many samples (default: ${DEFAULT-VALUE}).")
    private int commonAbove;
    @Option(names = "--format", defaultValue = "table",
            description = "table, csv, json or jsonl (default: ${DEFAULT-VALUE}).")
    private Format format;

    @Override
    public Integer call() {
        if (limit < 1 || commonAbove < 1) {
            throw new IllegalArgumentException("--limit and --common-above must be at least 1");
        }
        String id = sampleId.strip().toLowerCase(Locale.ROOT);
        if (!SampleIds.isValid(id)) {
            throw new IllegalArgumentException("'" + sampleId + "' is not a sample id (32 hex digits)");
        }
        try (Database db = Database.openReadOnly(config.load(main))) {
            CorrelationQueries queries = new CorrelationQueries(db);
            if (!queries.sampleExists(id)) {
                throw new IllegalArgumentException("no sample " + id + " in this harvest");
            }
            RelatedSamples.Answer answer = RelatedSamples.of(queries, id, limit, commonAbove, connection.alias());
            main.out().print(TableRenderer.render(answer.related(), format));
            main.out().flush();
            if (!answer.tooCommon().isEmpty()) {
                main.err().printf("Left out as too common (more than %d other samples): %s%n", commonAbove,
                        String.join(", ", answer.tooCommon()));
            }
        }
        return 0;
    }
}
