package io.tgharvester.analyze;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an analyzer found for one sample: tags (table {@code analyzer_tags}) and rows of named text fields (table
 * {@code analyzer_rows}, one database row per field), both replacing what it stored for the sample before.
 */
public record AnalyzerResult(List<String> tags, List<Map<String, String>> rows) {
    private static final int MAX_TAG = 255;
    private static final int MAX_FIELD = 128;
    private static final int MAX_VALUE = 4096;

    public AnalyzerResult {
        tags = List.copyOf(tags);
        for (String tag : tags) {
            check(!tag.isBlank() && tag.length() <= MAX_TAG, "a tag must be 1 to " + MAX_TAG + " characters: '"
                    + tag + "'");
        }
        List<Map<String, String>> copies = new ArrayList<>();
        for (Map<String, String> row : rows) {
            row.forEach((field, value) -> {
                check(field != null && !field.isBlank() && field.length() <= MAX_FIELD,
                        "a field name must be 1 to " + MAX_FIELD + " characters: '" + field + "'");
                check(value != null && value.length() <= MAX_VALUE,
                        "field '" + field + "' must hold a value of at most " + MAX_VALUE + " characters");
            });
            copies.add(Collections.unmodifiableMap(new LinkedHashMap<>(row)));
        }
        rows = List.copyOf(copies);
    }

    /** Nothing to record beyond the fact that the sample was analyzed. */
    public static AnalyzerResult none() {
        return new AnalyzerResult(List.of(), List.of());
    }

    public static AnalyzerResult tagged(String... tags) {
        return new AnalyzerResult(List.of(tags), List.of());
    }

    /** This result with one more row; its fields keep the map's order. */
    public AnalyzerResult withRow(Map<String, String> row) {
        List<Map<String, String>> more = new ArrayList<>(rows);
        more.add(row);
        return new AnalyzerResult(tags, more);
    }

    private static void check(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(problem);
        }
    }
}
