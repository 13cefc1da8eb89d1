package io.tgharvester.report;

import com.squareup.moshi.JsonWriter;
import io.tgharvester.config.Durations;
import io.tgharvester.report.ReportTable.Column;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import okio.Buffer;

/**
 * Renders a {@link ReportDocument} as an aligned text table (times in the report's zone), RFC 4180 CSV, or one JSON
 * object (times ISO-8601 UTC, numbers at full precision). HTML, with its charts, is {@link HtmlReport}'s.
 */
public final class ReportRenderer {
    private ReportRenderer() {
    }

    public static String render(ReportDocument document, ReportFormat format) {
        return switch (format) {
            case TABLE -> table(document);
            case CSV -> csv(document);
            case JSON -> json(document);
            case HTML -> throw new IllegalArgumentException("HTML needs the report's data, not only its tables:"
                    + " use HtmlReport");
        };
    }

    private static String table(ReportDocument document) {
        ReportScope scope = document.scope();
        StringBuilder out = new StringBuilder();
        out.append(document.title()).append(" \u2014 ").append(scope.describe()).append('\n');
        out.append("Times in ").append(scope.zone().getId()).append("; generated ")
                .append(ReportValues.time(scope.generatedAt(), scope.zone())).append('\n');
        for (ReportTable table : document.tables()) {
            out.append('\n').append(table.title());
            if (table.unavailable().isPresent()) {
                out.append(": ").append(table.unavailable().get()).append('\n');
                continue;
            }
            out.append('\n');
            appendTable(out, table, scope);
        }
        return out.toString();
    }

    private static void appendTable(StringBuilder out, ReportTable table, ReportScope scope) {
        List<Column> columns = table.columns();
        List<List<String>> cells = new ArrayList<>();
        for (List<Object> row : table.rows()) {
            cells.add(displayRow(columns, row, scope));
        }
        Optional<List<String>> total = table.total().map(row -> displayRow(columns, row, scope));
        int[] widths = new int[columns.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = columns.get(c).label().length();
            for (List<String> row : cells) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
            if (total.isPresent()) {
                widths[c] = Math.max(widths[c], total.get().get(c).length());
            }
        }
        List<String> rule = new ArrayList<>();
        for (int width : widths) {
            rule.add("-".repeat(width));
        }
        appendRow(out, columns, columns.stream().map(Column::label).toList(), widths);
        appendRow(out, columns, rule, widths);
        cells.forEach(row -> appendRow(out, columns, row, widths));
        if (total.isPresent()) {
            appendRow(out, columns, rule, widths);
            appendRow(out, columns, total.get(), widths);
        }
        out.append("(").append(cells.size()).append(cells.size() == 1 ? " row)" : " rows)").append('\n');
    }

    private static List<String> displayRow(List<Column> columns, List<Object> row, ReportScope scope) {
        List<String> cells = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            cells.add(ReportValues.display(columns.get(c).kind(), row.get(c), scope.zone()));
        }
        return cells;
    }

    /** Numbers right-aligned, text left-aligned; no trailing blanks. */
    private static void appendRow(StringBuilder out, List<Column> columns, List<String> row, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < row.size(); c++) {
            if (c > 0) {
                line.append("  ");
            }
            String cell = row.get(c);
            String pad = " ".repeat(widths[c] - cell.length());
            line.append(columns.get(c).numeric() ? pad + cell : cell + pad);
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    /**
     * One CSV table as it is; several as blocks, each after a {@code # name} line and separated by a blank line
     * (a section without data yet is its {@code #} line with the reason).
     */
    private static String csv(ReportDocument document) {
        boolean blocks = document.tables().size() > 1;
        StringBuilder out = new StringBuilder();
        for (ReportTable table : document.tables()) {
            if (blocks) {
                if (!out.isEmpty()) {
                    out.append("\r\n");
                }
                out.append("# ").append(table.name());
                if (table.unavailable().isPresent()) {
                    out.append(": ").append(table.unavailable().get()).append("\r\n");
                    continue;
                }
                out.append("\r\n");
            }
            out.append(String.join(",", table.columns().stream().map(c -> csvCell(c.name())).toList()))
                    .append("\r\n");
            for (List<Object> row : table.rows()) {
                List<String> cells = new ArrayList<>();
                for (int c = 0; c < row.size(); c++) {
                    cells.add(csvCell(ReportValues.machine(table.columns().get(c).kind(), row.get(c))));
                }
                out.append(String.join(",", cells)).append("\r\n");
            }
        }
        return out.toString();
    }

    private static String csvCell(String cell) {
        return cell.matches("[^\",\r\n]*") ? cell : '"' + cell.replace("\"", "\"\"") + '"';
    }

    /**
     * One object: report name, title, generation time, zone and window, then each table as an array of objects
     * under its name (null while its data is not available, with the reason under {@code not_available}).
     */
    private static String json(ReportDocument document) {
        ReportScope scope = document.scope();
        Buffer buffer = new Buffer();
        try (JsonWriter writer = JsonWriter.of(buffer)) {
            writer.setIndent("  ");
            writer.setSerializeNulls(true);
            writer.beginObject();
            writer.name("report").value(document.name());
            writer.name("title").value(document.title());
            writer.name("generated_at").value(ReportValues.iso(scope.generatedAt()));
            writer.name("zone").value(scope.zone().getId());
            writer.name("window").beginObject();
            writer.name("from").value(scope.window().from().map(ReportValues::iso).orElse(null));
            writer.name("to").value(scope.window().to().map(ReportValues::iso).orElse(null));
            writer.name("since").value(scope.since().map(Durations::format).orElse(null));
            writer.endObject();
            for (ReportTable table : document.tables()) {
                writer.name(table.name());
                if (table.unavailable().isPresent()) {
                    writer.nullValue();
                    continue;
                }
                writer.beginArray();
                for (List<Object> row : table.rows()) {
                    jsonRow(writer, table.columns(), row);
                }
                writer.endArray();
                if (table.total().isPresent()) {
                    writer.name(document.tables().size() == 1 ? "total" : table.name() + "_total");
                    jsonRow(writer, table.columns(), table.total().get());
                }
            }
            List<ReportTable> missing = document.tables().stream().filter(t -> t.unavailable().isPresent()).toList();
            if (!missing.isEmpty()) {
                writer.name("not_available").beginObject();
                for (ReportTable table : missing) {
                    writer.name(table.name()).value(table.unavailable().get());
                }
                writer.endObject();
            }
            writer.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.readUtf8() + "\n";
    }

    private static void jsonRow(JsonWriter writer, List<Column> columns, List<Object> row) throws IOException {
        writer.beginObject();
        for (int c = 0; c < row.size(); c++) {
            writer.name(columns.get(c).name());
            Object value = row.get(c);
            if (value == null) {
                writer.nullValue();
            } else if (value instanceof Number n) {
                writer.value(n);
            } else if (value instanceof Instant instant) {
                writer.value(ReportValues.iso(instant));
            } else {
                writer.value(String.valueOf(value));
            }
        }
        writer.endObject();
    }
}
