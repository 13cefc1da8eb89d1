package io.tgharvester.cli;

import io.tgharvester.report.Format;
import io.tgharvester.report.TableRenderer;
import io.tgharvester.store.Database;
import io.tgharvester.store.FilterParser;
import io.tgharvester.store.QueryResult;
import io.tgharvester.store.SampleField;
import io.tgharvester.store.SampleFilter;
import io.tgharvester.store.SampleListing;
import io.tgharvester.store.SampleListing.SortKey;
import io.tgharvester.store.SampleListingQueries;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "samples", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List the harvested samples without writing SQL: filter them, order them, and choose the"
                + " fields to show. Works while the daemon runs.",
                "",
                "A filter is comparisons FIELD__OPERATOR(VALUES) joined with AND, OR, NOT and parentheses.",
                "Operators: eq ne lt lte gt gte (one value), in nin (one or more), regex iregex like (text and tags).",
                "Time fields take ISO dates (a whole UTC day) or date-times; quote a value holding , ( ) ' \" as"
                + " 'text' or \"text\". The whole language: docs/QUERIES.md."},
        footer = {"", "Fields: id, submitted_at, login, state, status, filename, sha256, md5, sha1, tags, vm, os,"
                + " playbook, private, organization_id, submission_id, started_at, completed_at, finished_at,"
                + " first_seen_at, last_checked_at, connection.", "",
                "Examples:",
                "  tg-harvester samples --filter 'login__eq(alice) AND state__in(succ,fail)'",
                "  tg-harvester samples --order-by -submitted_at,login --fields id,login,state \\",
                "      --filter 'submitted_at__gte(2026-11-01) AND NOT tags__regex(test.*)' \\",
                "      --format csv",
                "  tg-harvester samples --limit 20 --offset 20 \\",
                "      --filter \"filename__iregex('\\.(exe|dll)$')\""})
final class SamplesCommand implements Callable<Integer> {
    static final int DEFAULT_LIMIT = 100;

    @ParentCommand
    private Main main;
    @Mixin
    private ConfigOptions config;
    @Option(names = "--filter", paramLabel = "EXPR",
            description = "Which samples, e.g. 'login__eq(alice) AND NOT state__in(succ,fail)' (default: all).")
    private String filter;
    @Option(names = "--order-by", paramLabel = "FIELDS", defaultValue = "-submitted_at",
            description = "Fields to order by, comma-separated, '-' first for descending (default: ${DEFAULT-VALUE};"
                    + " ties by id; missing values last).")
    private String orderBy;
    @Option(names = "--fields", paramLabel = "FIELDS", defaultValue = "id,submitted_at,login,state,filename",
            description = "Fields to show, comma-separated, in this order (default: ${DEFAULT-VALUE}).")
    private String fields;
    @Option(names = "--limit", defaultValue = "" + DEFAULT_LIMIT,
            description = "At most this many samples (default: ${DEFAULT-VALUE}; stderr says when more match).")
    private int limit;
    @Option(names = "--offset", defaultValue = "0", description = "Skip this many first (default: ${DEFAULT-VALUE}).")
    private int offset;
    @Option(names = "--format", defaultValue = "table",
            description = "table, csv, json or jsonl (default: ${DEFAULT-VALUE}).")
    private Format format;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("--offset must be 0 or more");
        }
        Optional<SampleFilter> parsed = Optional.ofNullable(filter).map(FilterParser::parse);
        SampleListing listing = new SampleListing(parsed, sortKeys(orderBy), fieldList(fields), limit, offset);
        try (Database db = Database.openReadOnly(config.load(main))) {
            SampleListingQueries queries = new SampleListingQueries(db);
            QueryResult page = queries.list(listing);
            main.out().print(TableRenderer.render(page, format));
            main.out().flush();
            if (page.rows().size() == limit) {
                long matching = queries.count(parsed);
                if (matching > offset + limit) {
                    main.err().printf("%d samples match; %d to %d are listed (--limit, --offset).%n",
                            matching, offset + 1, offset + limit);
                }
            }
        }
        return 0;
    }

    static List<SampleField> fieldList(String text) {
        List<SampleField> list = new ArrayList<>();
        for (String name : names("--fields", text)) {
            SampleField field = field("--fields", name);
            if (list.contains(field)) {
                throw new IllegalArgumentException("--fields: '" + name + "' is named twice");
            }
            list.add(field);
        }
        return list;
    }

    static List<SortKey> sortKeys(String text) {
        List<SortKey> keys = new ArrayList<>();
        Set<SampleField> seen = new HashSet<>();
        for (String name : names("--order-by", text)) {
            boolean descending = name.startsWith("-");
            SampleField field = field("--order-by", descending || name.startsWith("+") ? name.substring(1) : name);
            if (!seen.add(field)) {
                throw new IllegalArgumentException("--order-by: '" + field.fieldName() + "' is named twice");
            }
            keys.add(new SortKey(field, descending));
        }
        return keys;
    }

    private static List<String> names(String option, String text) {
        List<String> names = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            if (part.isBlank()) {
                throw new IllegalArgumentException(option + ": an empty name in '" + text + "'; separate fields by"
                        + " single commas, e.g. id,login,state");
            }
            names.add(part.strip());
        }
        return names;
    }

    private static SampleField field(String option, String name) {
        return SampleField.named(name).orElseThrow(() -> new IllegalArgumentException(
                option + ": unknown field '" + name + "'; fields: " + SampleField.names()));
    }
}
