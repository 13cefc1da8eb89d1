package io.tgharvester.report;

import com.squareup.moshi.JsonWriter;
import io.tgharvester.store.QueryResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import okio.Buffer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Renders query results as an aligned text table, RFC 4180 CSV, a JSON array of objects, or JSON lines (one object
 * per row, for tools that stream). Times are ISO-8601 UTC in every format, so they agree value for value.
 */
public final class TableRenderer {
    private TableRenderer() {
    }

    public static String render(QueryResult result, Format format) {
        return switch (format) {
            case TABLE -> table(result);
            case CSV -> csv(result);
            case JSON -> json(result);
            case JSONL -> jsonLines(result);
        };
    }

    static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof OffsetDateTime time) {
            return DateTimeFormatter.ISO_INSTANT.format(time.withOffsetSameInstant(ZoneOffset.UTC));
        }
        if (value instanceof Double d) {
            return d == Math.rint(d) && !Double.isInfinite(d) ? String.valueOf(d.longValue())
                    : String.format(java.util.Locale.ROOT, "%.1f", d);
        }
        return String.valueOf(value);
    }

    private static String table(QueryResult result) {
        List<String> header = result.columns();
        List<List<String>> cells = new ArrayList<>();
        for (List<Object> row : result.rows()) {
            cells.add(row.stream().map(v -> v == null ? "-" : text(v)).toList());
        }
        int[] widths = new int[header.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = header.get(c).length();
            for (List<String> row : cells) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendRow(out, header, widths);
        List<String> rule = new ArrayList<>();
        for (int width : widths) {
            rule.add("-".repeat(width));
        }
        appendRow(out, rule, widths);
        cells.forEach(row -> appendRow(out, row, widths));
        out.append("(").append(cells.size()).append(cells.size() == 1 ? " row)" : " rows)").append('\n');
        return out.toString();
    }

    private static void appendRow(StringBuilder out, List<String> row, int[] widths) {
        for (int c = 0; c < row.size(); c++) {
            if (c > 0) {
                out.append("  ");
            }
            String cell = row.get(c);
            out.append(cell);
            if (c < row.size() - 1) {
                out.append(" ".repeat(widths[c] - cell.length()));
            }
        }
        out.append('\n');
    }

    private static String csv(QueryResult result) {
        StringBuilder out = new StringBuilder();
        try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180)) {
            printer.printRecord(result.columns());
            for (List<Object> row : result.rows()) {
                printer.printRecord(row.stream().map(TableRenderer::text).toList());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static String json(QueryResult result) {
        Buffer buffer = new Buffer();
        try (JsonWriter writer = JsonWriter.of(buffer)) {
            writer.setIndent("  ");
            writer.beginArray();
            for (List<Object> row : result.rows()) {
                jsonRow(writer, result.columns(), row);
            }
            writer.endArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.readUtf8() + "\n";
    }

    private static String jsonLines(QueryResult result) {
        StringBuilder out = new StringBuilder();
        for (List<Object> row : result.rows()) {
            Buffer buffer = new Buffer();
            try (JsonWriter writer = JsonWriter.of(buffer)) {
                jsonRow(writer, result.columns(), row);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.append(buffer.readUtf8()).append('\n');
        }
        return out.toString();
    }

    private static void jsonRow(JsonWriter writer, List<String> columns, List<Object> row) throws IOException {
        writer.beginObject();
        for (int c = 0; c < row.size(); c++) {
            writer.name(columns.get(c));
            Object value = row.get(c);
            if (value == null) {
                writer.nullValue();
            } else if (value instanceof Number n) {
                writer.value(n);
            } else if (value instanceof Boolean b) {
                writer.value(b);
            } else {
                writer.value(text(value));
            }
        }
        writer.endObject();
    }
}
