package io.tgharvester.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One table of a report, format-independent: typed columns and raw values ({@code Long}, {@code Double},
 * {@code String}, {@code Instant}, or null). The renderers decide how each kind looks, so every format shows the
 * same numbers. {@code total} is an optional closing row (the whole organization); {@code unavailable} says why a
 * section that needs a later correlation table has no rows yet.
 */
public record ReportTable(String name, String title, List<Column> columns, List<List<Object>> rows,
                          Optional<List<Object>> total, Optional<String> unavailable) {

    /** How a column's values are shown. */
    public enum Kind {
        /** Free text; null shown as "-". */
        TEXT,
        /** A submitting login; null is the samples without one, "(none)" in tables, null in JSON. */
        LOGIN,
        /** A whole number. */
        COUNT,
        /** Seconds or scores: one decimal in tables, full precision in CSV and JSON. */
        DECIMAL,
        /** A share in percent, already rounded to one decimal. */
        PERCENT,
        /** A moment: in the report's zone in tables, ISO-8601 UTC in CSV and JSON. */
        TIME,
        /** The start of a calendar day in the report's zone: the date in tables, ISO-8601 UTC in CSV and JSON. */
        DAY,
        /** The start of an hour in the report's zone. */
        HOUR
    }

    /** {@code name} is the CSV/JSON key; {@code label} the heading in text and HTML tables. */
    public record Column(String name, String label, Kind kind) {
        public boolean numeric() {
            return kind == Kind.COUNT || kind == Kind.DECIMAL || kind == Kind.PERCENT;
        }
    }

    public ReportTable {
        Objects.requireNonNull(name);
        columns = List.copyOf(columns);
        List<List<Object>> copied = new ArrayList<>();
        for (List<Object> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException(name + ": a row has " + row.size() + " values for "
                        + columns.size() + " columns");
            }
            copied.add(Collections.unmodifiableList(new ArrayList<>(row)));
        }
        rows = Collections.unmodifiableList(copied);
        total = total.map(row -> Collections.unmodifiableList(new ArrayList<>(row)));
    }

    public static ReportTable of(String name, String title, List<Column> columns, List<List<Object>> rows) {
        return new ReportTable(name, title, columns, rows, Optional.empty(), Optional.empty());
    }

    /** A section whose data does not exist yet; {@code why} is shown instead of rows. */
    public static ReportTable unavailable(String name, String title, List<Column> columns, String why) {
        return new ReportTable(name, title, columns, List.of(), Optional.empty(), Optional.of(why));
    }

    public ReportTable withTotal(List<Object> totalRow) {
        return new ReportTable(name, title, columns, rows, Optional.of(totalRow), unavailable);
    }

    public static Column column(String name, String label, Kind kind) {
        return new Column(name, label, kind);
    }
}
