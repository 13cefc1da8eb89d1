package io.tgharvester.console;

import io.tgharvester.correlate.Indicator;
import io.tgharvester.store.CorrelationQueries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Find: from an indicator (domain, IP, sha256, IOC, URL pattern) to the samples whose analysis shows it. */
final class FindPage {
    /** Samples listed at most, newest first, as {@code find}'s default limit. */
    static final int LIMIT = 100;

    private static final Tables.ColumnLinks LINKS = new Tables.ColumnLinks(Map.of(
            "sample_id", id -> Optional.of(Links.sample(id)),
            "login", login -> Optional.of(Links.withQuery(Links.SAMPLES, Map.of("login", login)))));

    private final CorrelationQueries queries;

    FindPage(CorrelationQueries queries) {
        this.queries = queries;
    }

    Markup render(Request request) {
        Indicator indicator = request.parameter("kind").map(FindPage::indicator).orElse(Indicator.DOMAIN);
        Optional<String> value = request.parameter("value");
        Markup body = form(indicator, value.orElse(""));
        if (value.isPresent()) {
            body = body.plus(results(indicator, indicator.normalize(value.get())));
        }
        return Layout.page(Optional.of(Layout.Section.FIND), "Find", body, false);
    }

    private Markup results(Indicator indicator, String value) {
        CorrelationQueries.Found found = queries.find(indicator, value, LIMIT);
        List<Markup> notes = new ArrayList<>();
        if (found.matching().isEmpty()) {
            notes.add(Layout.note("Thousands of samples match; the newest " + LIMIT + " are listed."));
        } else if (found.matching().getAsLong() > LIMIT) {
            notes.add(Layout.note(found.matching().getAsLong() + " samples match; the newest " + LIMIT
                    + " are listed."));
        }
        if (!queries.anyAnalysisParsed()) {
            notes.add(Layout.note("No analysis has been parsed into the correlation tables yet, so only submitted"
                    + " files' hashes can match: wait for the parse stage, or run tg-harvester reindex."));
        }
        String heading = found.samples().rows().size() + " " + (found.samples().rows().size() == 1 ? "sample"
                : "samples") + " showing " + Links.kind(indicator) + " " + value;
        return Layout.card(heading, Tables.table(found.samples(), LINKS, true).plus(Markup.join(notes)));
    }

    private static Markup form(Indicator selected, String value) {
        List<Markup> options = new ArrayList<>();
        for (Indicator indicator : Indicator.values()) {
            options.add(Markup.of("<option value=\"%s\"%s>%s</option>", Links.kind(indicator),
                    indicator == selected ? Markup.of(" selected") : Markup.EMPTY, label(indicator)));
        }
        return Markup.of("""
                <form class="search" method="get" action="%s">
                <label>indicator <select name="kind">%s</select></label>
                <label>value <input name="value" value="%s" size="48" autofocus></label>
                <button type="submit">Find</button>
                </form>
                <p class="note">A URL pattern takes SQL LIKE wildcards (%% any run, _ one character); without a %%
                it matches anywhere in the URL.</p>
                """, Links.FIND, Markup.join(options), value);
    }

    private static String label(Indicator indicator) {
        return switch (indicator) {
            case DOMAIN -> "domain";
            case IP -> "IP address";
            case SHA256 -> "file sha256";
            case IOC -> "IOC name";
            case URL_LIKE -> "URL pattern";
        };
    }

    private static Indicator indicator(String kind) {
        return Arrays.stream(Indicator.values()).filter(i -> Links.kind(i).equals(kind)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("kind: '" + kind + "' is not one of " + Arrays
                        .stream(Indicator.values()).map(Links::kind).collect(Collectors.joining(", "))));
    }
}
