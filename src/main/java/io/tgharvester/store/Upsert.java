package io.tgharvester.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The statement that stores one row, replacing the row with the same key, in the standard MERGE that H2 and
 * PostgreSQL (15 and later) both run; H2's shorter {@code MERGE INTO t (…) KEY (…) VALUES (…)} is its own. Each
 * parameter is cast to its column's type, as nothing else tells PostgreSQL the type of a value in a VALUES list; text
 * to an unbounded VARCHAR, as a cast to VARCHAR(n) would cut a value too long for its column where an INSERT fails.
 */
final class Upsert {
    private Upsert() {
    }

    /**
     * The MERGE for {@code table} whose parameters are {@code columns} in order, each given as its name and SQL type
     * ({@code "sample_id VARCHAR"}); {@code key} names the columns that find the row to replace.
     */
    static String sql(String table, List<String> key, String... columns) {
        return merge(table, key, Optional.empty(), columns);
    }

    /**
     * As {@link #sql}, and {@code counter} (a column not among the parameters) counts the row's upserts: 1 as it is
     * inserted, one more at each replacement, in the same statement, so that no read of the row before it is needed.
     */
    static String counting(String table, List<String> key, String counter, String... columns) {
        return merge(table, key, Optional.of(counter), columns);
    }

    private static String merge(String table, List<String> key, Optional<String> counter, String... columns) {
        List<String> names = Arrays.stream(columns).map(column -> column.substring(0, column.indexOf(' '))).toList();
        String casts = Arrays.stream(columns)
                .map(column -> "CAST(? AS " + column.substring(column.indexOf(' ') + 1) + ")")
                .collect(Collectors.joining(", "));
        List<String> sets = new ArrayList<>(names.stream().filter(name -> !key.contains(name))
                .map(name -> name + " = v." + name).toList());
        List<String> inserted = new ArrayList<>(names);
        List<String> values = new ArrayList<>(names.stream().map(name -> "v." + name).toList());
        counter.ifPresent(column -> {
            sets.add(column + " = t." + column + " + 1");
            inserted.add(column);
            values.add("1");
        });
        return """
                MERGE INTO %1$s t USING (VALUES (%2$s)) v(%3$s) ON %4$s
                WHEN MATCHED THEN UPDATE SET %5$s
                WHEN NOT MATCHED THEN INSERT (%6$s) VALUES (%7$s)""".formatted(table, casts,
                String.join(", ", names),
                key.stream().map(k -> "t." + k + " = v." + k).collect(Collectors.joining(" AND ")),
                String.join(", ", sets), String.join(", ", inserted), String.join(", ", values));
    }
}
