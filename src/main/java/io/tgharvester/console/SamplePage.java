package io.tgharvester.console;

import io.tgharvester.correlate.Indicator;
import io.tgharvester.correlate.RelatedSamples;
import io.tgharvester.store.CorrelationQueries;
import io.tgharvester.store.QueryResult;
import io.tgharvester.store.SampleQueries;
import io.tgharvester.store.SampleQueries.Section;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One sample: its metadata and state history, its analysis (threat score, IOCs, domains, URLs, network flows,
 * processes, files), its artifacts as download links, and the samples related to it as {@code related} ranks them.
 * Indicators link to Find, so one click leads from an IOC to every sample that shows it.
 */
final class SamplePage {
    /** Rows shown per section; a sample with more says how many are left out. */
    static final int SECTION_ROWS = 500;
    static final int RELATED = 20;

    private static final Tables.ColumnLinks LINKS = new Tables.ColumnLinks(Map.of(
            "sample_id", id -> Optional.of(Links.sample(id)),
            "login", login -> Optional.of(Links.withQuery(Links.SAMPLES, Map.of("login", login))),
            "domain", find(Indicator.DOMAIN),
            "dst_ip", find(Indicator.IP),
            "sha256", find(Indicator.SHA256),
            "ioc", find(Indicator.IOC)));

    private final SampleQueries samples;
    private final CorrelationQueries correlations;

    SamplePage(SampleQueries samples, CorrelationQueries correlations) {
        this.samples = samples;
        this.correlations = correlations;
    }

    /** The page of {@code sampleId} (a valid id), or empty when the harvest has no such sample. */
    Optional<Markup> render(String sampleId) {
        Optional<QueryResult> sample = samples.sample(sampleId);
        if (sample.isEmpty()) {
            return Optional.empty();
        }
        QueryResult analysis = samples.section(Section.ANALYSIS, sampleId, 1);
        Markup body = Markup.of("<div class=\"grid2\">\n%s%s</div>\n",
                Layout.card("Sample", Tables.fields(sample.get(), LINKS)),
                Layout.card("Analysis", analysis.rows().isEmpty()
                        ? Markup.of("<p class=\"empty\">Not parsed yet: the parse stage reads analysis.json once"
                        + " it is downloaded.</p>\n") : Tables.fields(analysis, LINKS)))
                .plus(Layout.card("Artifacts", artifacts(sampleId)))
                .plus(section("State history", Section.STATE_CHANGES, sampleId))
                .plus(section("IOCs", Section.IOCS, sampleId))
                .plus(section("Domains", Section.DOMAINS, sampleId))
                .plus(section("URLs", Section.URLS, sampleId))
                .plus(section("Network flows", Section.NETWORK_FLOWS, sampleId))
                .plus(section("Processes", Section.PROCESSES, sampleId))
                .plus(section("Files the analysis saw", Section.FILES, sampleId))
                .plus(Layout.card("Related samples", related(sampleId)));
        Object filename = sample.get().rows().get(0).get(sample.get().columns().indexOf("filename"));
        return Optional.of(Layout.page(Optional.empty(), filename == null ? "Sample " + sampleId
                : "Sample " + filename, body, false));
    }

    private Markup section(String heading, Section section, String sampleId) {
        QueryResult rows = samples.section(section, sampleId, SECTION_ROWS + 1);
        boolean more = rows.rows().size() > SECTION_ROWS;
        QueryResult shown = more ? new QueryResult(rows.columns(), rows.rows().subList(0, SECTION_ROWS)) : rows;
        Markup table = Tables.table(shown, LINKS, true);
        return Layout.card(heading, more ? table.plus(Layout.note("The first " + SECTION_ROWS
                + " rows; query the rest with tg-harvester sql.")) : table);
    }

    /** Each artifact's row; a downloaded one links to its file, sent as an attachment. */
    private Markup artifacts(String sampleId) {
        QueryResult rows = samples.section(Section.ARTIFACTS, sampleId, SECTION_ROWS);
        Tables.ColumnLinks links = new Tables.ColumnLinks(Map.of("name", name -> samples.downloadedArtifactPath(
                sampleId, name).map(path -> Links.artifact(sampleId, name))));
        return Tables.table(rows, links, false).plus(Layout.note("A downloaded artifact is sent as a file to save,"
                + " never shown in the browser: it is evidence of malware activity."));
    }

    private Markup related(String sampleId) {
        RelatedSamples.Answer answer = RelatedSamples.of(correlations, sampleId, RELATED,
                RelatedSamples.DEFAULT_COMMON_ABOVE);
        Markup table = Tables.table(answer.related(), LINKS, true);
        return answer.tooCommon().isEmpty() ? table : table.plus(Layout.note("Left out as too common (more than "
                + RelatedSamples.DEFAULT_COMMON_ABOVE + " other samples): " + String.join(", ", answer.tooCommon())));
    }

    private static Function<String, Optional<String>> find(Indicator indicator) {
        return value -> Optional.of(Links.find(indicator, value));
    }
}
