package io.tgharvester.console;

import io.tgharvester.store.QueryResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Query results as HTML tables, with a link on the values of some columns (a sample id to its page, ...). */
final class Tables {
    /** What to link a column's values to: its name to a function from a value to a URL, if any. */
    record ColumnLinks(Map<String, Function<String, Optional<String>>> byColumn) {
        static final ColumnLinks NONE = new ColumnLinks(Map.of());
    }

    private Tables() {
    }

    /** A table of {@code result}; {@code sortable} lets the browser sort it by a click on a heading. */
    static Markup table(QueryResult result, ColumnLinks links, boolean sortable) {
        if (result.rows().isEmpty()) {
            return Markup.of("<p class=\"empty\">None.</p>");
        }
        List<Markup> head = new ArrayList<>();
        result.columns().forEach(column -> head.add(Markup.of("<th>%s</th>", column.replace('_', ' '))));
        List<Markup> rows = new ArrayList<>();
        for (List<Object> row : result.rows()) {
            List<Markup> cells = new ArrayList<>();
            for (int c = 0; c < row.size(); c++) {
                cells.add(cell(result.columns().get(c), row.get(c), links));
            }
            rows.add(Markup.of("<tr>%s</tr>\n", Markup.join(cells)));
        }
        return Markup.of("<div class=\"table-wrap\"><table class=\"data%s\">\n<thead><tr>%s</tr></thead>\n"
                        + "<tbody>\n%s</tbody></table></div>\n", sortable ? " sortable" : "", Markup.join(head),
                Markup.join(rows));
    }

    /** The name and value of each column of a one-row result, as a definition list. */
    static Markup fields(QueryResult result, ColumnLinks links) {
        List<Markup> items = new ArrayList<>();
        List<Object> row = result.rows().get(0);
        for (int c = 0; c < row.size(); c++) {
            String column = result.columns().get(c);
            items.add(Markup.of("<dt>%s</dt><dd>%s</dd>\n", column.replace('_', ' '), value(column, row.get(c),
                    links)));
        }
        return Markup.of("<dl class=\"fields\">\n%s</dl>\n", Markup.join(items));
    }

    private static Markup cell(String column, Object value, ColumnLinks links) {
        return Markup.of(Cells.numeric(value) ? "<td class=\"num\">%s</td>" : "<td>%s</td>",
                value(column, value, links));
    }

    private static Markup value(String column, Object value, ColumnLinks links) {
        String text = Cells.text(value);
        Optional<String> link = value == null ? Optional.empty()
                : links.byColumn().getOrDefault(column, v -> Optional.empty()).apply(String.valueOf(value));
        return link.map(url -> Markup.of("<a href=\"%s\">%s</a>", url, text)).orElse(Markup.text(text));
    }
}
