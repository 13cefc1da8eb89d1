package io.tgharvester.console;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import io.tgharvester.config.Durations;
import io.tgharvester.store.Queries;
import io.tgharvester.store.SampleQueries;
import io.tgharvester.store.SampleQueries.Filter;
import io.tgharvester.store.SampleQueries.Order;
import java.io.IOException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The samples list: searched by login, state, filename, sha256, tag and submission time, sorted by a click on a
 * column's heading, a page at a time. Every choice is in the URL, so a search can be bookmarked and shared.
 */
final class SamplesPage {
    static final int DEFAULT_SIZE = 50;
    private static final List<Integer> SIZES = List.of(25, 50, 100, 200);
    /** Keeps the offset a page starts at within an int, for any page size. */
    private static final int MAX_PAGE = 1_000_000;
    private static final List<String> SINCE = List.of("24h", "7d", "30d");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{1,64}");
    private static final JsonAdapter<List<String>> TAGS = new Moshi.Builder().build()
            .adapter(Types.newParameterizedType(List.class, String.class));
    /** The columns of the list, each with the order its heading sorts by. */
    private static final Map<String, Order> COLUMNS = columns();

    private final SampleQueries samples;
    private final Queries queries;
    private final Clock clock;

    SamplesPage(SampleQueries samples, Queries queries, Clock clock) {
        this.samples = samples;
        this.queries = queries;
        this.clock = clock;
    }

    /** The search a request asks for, checked; an IllegalArgumentException says what is wrong with it. */
    record Search(Map<String, String> fields, Filter filter, Order order, boolean descending, int page, int size) {
        static Search of(Request request, Instant now) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String name : List.of("login", "state", "filename", "sha256", "tag", "since", "from", "to")) {
                request.parameter(name).ifPresent(value -> fields.put(name, value));
            }
            Optional<String> sha256 = request.parameter("sha256");
            if (sha256.isPresent() && !HEX.matcher(sha256.get()).matches()) {
                throw new IllegalArgumentException("sha256: '" + sha256.get() + "' is not the start of a sha256"
                        + " (up to 64 hex digits)");
            }
            Optional<Instant> from = request.parameter("from").map(day -> day("from", day, false));
            Optional<Instant> to = request.parameter("to").map(day -> day("to", day, true));
            Optional<String> since = request.parameter("since");
            if (since.isPresent()) {
                if (from.isPresent()) {
                    throw new IllegalArgumentException("use either since or from, not both");
                }
                from = Optional.of(now.minus(period(since.get())));
            }
            Order order = request.parameter("sort").map(SamplesPage::order).orElse(Order.SUBMITTED_AT);
            boolean descending = !request.parameter("dir").map("asc"::equals).orElse(false);
            int size = request.parameter("size").map(SamplesPage::size).orElse(DEFAULT_SIZE);
            int page = request.parameter("page").map(SamplesPage::page).orElse(1);
            Filter filter = new Filter(request.parameter("login"), request.parameter("state"),
                    request.parameter("filename"), sha256, request.parameter("tag"), from, to);
            return new Search(fields, filter, order, descending, page, size);
        }

        /** The URL of this search with {@code changes} applied (a page, an order); a null value drops a field. */
        String link(Map<String, String> changes) {
            Map<String, String> parameters = new LinkedHashMap<>(fields);
            parameters.put("sort", order.name().toLowerCase(Locale.ROOT));
            parameters.put("dir", descending ? "desc" : "asc");
            parameters.put("size", String.valueOf(size));
            parameters.putAll(changes);
            if (parameters.get("sort").equals("submitted_at") && parameters.get("dir").equals("desc")) {
                parameters.remove("sort");
                parameters.remove("dir");
            }
            if (parameters.get("size").equals(String.valueOf(DEFAULT_SIZE))) {
                parameters.remove("size");
            }
            return Links.withQuery(Links.SAMPLES, parameters);
        }
    }

    Markup render(Request request) {
        Search search = Search.of(request, clock.instant());
        SampleQueries.Page found = samples.search(search.filter(), search.order(), search.descending(),
                (search.page() - 1) * search.size(), search.size());
        long pages = Math.max(1, (found.matching() + search.size() - 1) / search.size());
        Markup body = form(search)
                .plus(Markup.of("<p class=\"summary\">%s %s match.</p>\n", found.matching(),
                        found.matching() == 1 ? "sample" : "samples"))
                .plus(table(search, found))
                .plus(pager(search, pages));
        return Layout.page(Optional.of(Layout.Section.SAMPLES), "Samples", body, false);
    }

    private Markup form(Search search) {
        List<Markup> states = new ArrayList<>();
        states.add(Markup.of("<option value=\"\">any</option>"));
        queries.samplesByState().rows().stream().map(row -> (String) row.get(0)).sorted()
                .forEach(state -> states.add(option(state, state, search.fields().get("state"))));
        List<Markup> since = new ArrayList<>();
        since.add(Markup.of("<option value=\"\">any time</option>"));
        SINCE.forEach(value -> since.add(option(value, "last " + value, search.fields().get("since"))));
        List<Markup> sizes = new ArrayList<>();
        SIZES.forEach(value -> sizes.add(option(String.valueOf(value), value + " a page",
                String.valueOf(search.size()))));
        return Markup.of("""
                <form class="search" method="get" action="%s">
                <label>login <input name="login" value="%s"></label>
                <label>state <select name="state">%s</select></label>
                <label>filename <input name="filename" value="%s" placeholder="part of the name"></label>
                <label>sha256 <input name="sha256" value="%s" placeholder="its start" size="16"></label>
                <label>tag <input name="tag" value="%s"></label>
                <label>submitted <select name="since">%s</select></label>
                <label>from <input type="date" name="from" value="%s"></label>
                <label>to <input type="date" name="to" value="%s"></label>
                <label>show <select name="size">%s</select></label>
                <button type="submit">Search</button> <a href="%s">clear</a>
                </form>
                """, Links.SAMPLES, field(search, "login"), Markup.join(states), field(search, "filename"),
                field(search, "sha256"), field(search, "tag"), Markup.join(since), field(search, "from"),
                field(search, "to"), Markup.join(sizes), Links.SAMPLES);
    }

    private static String field(Search search, String name) {
        return search.fields().getOrDefault(name, "");
    }

    private static Markup option(String value, String label, String selected) {
        return Markup.of("<option value=\"%s\"%s>%s</option>", value,
                value.equals(selected) ? Markup.of(" selected") : Markup.EMPTY, label);
    }

    private static Markup table(Search search, SampleQueries.Page found) {
        if (found.samples().rows().isEmpty()) {
            return Markup.of("<p class=\"empty\">No sample matches this search.</p>\n");
        }
        List<Markup> head = new ArrayList<>();
        COLUMNS.forEach((column, order) -> head.add(order == null ? Markup.of("<th>%s</th>", column)
                : heading(search, column, order)));
        List<Markup> rows = new ArrayList<>();
        List<String> columns = found.samples().columns();
        for (List<Object> row : found.samples().rows()) {
            String id = (String) row.get(columns.indexOf("sample_id"));
            Object login = row.get(columns.indexOf("login"));
            Object score = row.get(columns.indexOf("threat_score"));
            rows.add(Markup.of("<tr><td class=\"id\"><a href=\"%s\">%s</a></td><td>%s</td><td>%s</td><td>%s</td>"
                            + "<td class=\"filename\">%s</td><td class=\"num\">%s</td><td>%s</td></tr>\n",
                    Links.sample(id), id, Cells.text(row.get(columns.indexOf("submitted_at"))),
                    login == null ? Markup.of("<span class=\"none\">(none)</span>")
                            : Markup.of("<a href=\"%s\">%s</a>", search.link(Map.of("login", (String) login,
                            "page", "1")), login),
                    row.get(columns.indexOf("state")), Cells.text(row.get(columns.indexOf("filename"))),
                    Cells.text(score), tags(search, (String) row.get(columns.indexOf("tags")))));
        }
        return Markup.of("<div class=\"table-wrap\"><table class=\"data samples\">\n<thead><tr>%s</tr></thead>\n"
                + "<tbody>\n%s</tbody></table></div>\n", Markup.join(head), Markup.join(rows));
    }

    private static Markup heading(Search search, String column, Order order) {
        boolean current = search.order() == order;
        boolean nextDescending = !current || !search.descending();
        String arrow = current ? (search.descending() ? " \u25be" : " \u25b4") : "";
        return Markup.of("<th%s><a href=\"%s\">%s%s</a></th>",
                current ? Markup.of(" aria-sort=\"%s\"", search.descending() ? "descending" : "ascending")
                        : Markup.EMPTY,
                search.link(Map.of("sort", order.name().toLowerCase(Locale.ROOT),
                        "dir", nextDescending ? "desc" : "asc", "page", "1")), column, arrow);
    }

    /** A sample's tags (stored as JSON array text), each a link to the samples carrying it. */
    private static Markup tags(Search search, String json) {
        if (json == null) {
            return Markup.EMPTY;
        }
        List<String> tags;
        try {
            tags = Optional.ofNullable(TAGS.fromJson(json)).orElse(List.of());
        } catch (IOException | RuntimeException notAList) {
            return Markup.text(json);
        }
        List<Markup> links = new ArrayList<>();
        tags.forEach(tag -> links.add(Markup.of("<a class=\"tag\" href=\"%s\">%s</a> ",
                search.link(Map.of("tag", tag, "page", "1")), tag)));
        return Markup.join(links);
    }

    private static Markup pager(Search search, long pages) {
        if (pages <= 1) {
            return Markup.EMPTY;
        }
        Markup previous = search.page() > 1
                ? Markup.of("<a rel=\"prev\" href=\"%s\">\u2039 previous</a>",
                search.link(Map.of("page", String.valueOf(search.page() - 1)))) : Markup.EMPTY;
        Markup next = search.page() < pages
                ? Markup.of("<a rel=\"next\" href=\"%s\">next \u203a</a>",
                search.link(Map.of("page", String.valueOf(search.page() + 1)))) : Markup.EMPTY;
        return Markup.of("<nav class=\"pager\">%s <span>page %s of %s</span> %s</nav>\n", previous, search.page(),
                pages, next);
    }

    private static Map<String, Order> columns() {
        Map<String, Order> columns = new LinkedHashMap<>();
        columns.put("sample", null);
        columns.put("submitted", Order.SUBMITTED_AT);
        columns.put("login", Order.LOGIN);
        columns.put("state", Order.STATE);
        columns.put("filename", Order.FILENAME);
        columns.put("threat score", Order.THREAT_SCORE);
        columns.put("tags", null);
        return columns;
    }

    private static Order order(String name) {
        try {
            return Order.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sort: '" + name + "' is not one of submitted_at, login, state,"
                    + " filename, threat_score");
        }
    }

    private static Duration period(String since) {
        Duration period = Durations.parse(since);
        if (period.isZero()) {
            throw new IllegalArgumentException("since must be longer than 0");
        }
        return period;
    }

    private static int size(String text) {
        int size = whole("size", text);
        if (!SIZES.contains(size)) {
            throw new IllegalArgumentException("size: one of " + SIZES + " samples a page");
        }
        return size;
    }

    private static int page(String text) {
        int page = whole("page", text);
        if (page < 1 || page > MAX_PAGE) {
            throw new IllegalArgumentException("page: pages count from 1 to " + MAX_PAGE);
        }
        return page;
    }

    private static int whole(String name, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + text + "' is not a whole number");
        }
    }

    /** A day in UTC, as a date input sends it; {@code to} includes its whole day. */
    private static Instant day(String name, String text, boolean endOfDay) {
        try {
            LocalDate day = LocalDate.parse(text);
            return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(name + ": '" + text + "' is not a date such as 2026-11-20");
        }
    }
}
