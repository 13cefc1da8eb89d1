package io.tgharvester.store;

import java.util.List;

/** Column names and rows of a query, values as JDBC returned them (times as OffsetDateTime, UTC). */
public record QueryResult(List<String> columns, List<List<Object>> rows) {
    public QueryResult {
        columns = List.copyOf(columns);
        rows = rows.stream().map(java.util.Collections::unmodifiableList).toList();
    }
}
