package io.tgharvester.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The samples {@code tg-harvester samples} lists: a filter compiled by {@link FilterSql}, bound, never spliced. */
public final class SampleListingQueries {
    private final Database db;

    public SampleListingQueries(Database db) {
        this.db = db;
    }

    /**
     * One page of the samples the listing's filter keeps, with its fields as columns named after them, in its order
     * and then by id, so that pages with --offset neither repeat nor skip a sample. Missing values sort last.
     */
    public QueryResult list(SampleListing listing) {
        Optional<FilterSql> where = listing.filter().map(FilterSql::of);
        String columns = listing.fields().stream()
                .map(field -> field.column() + " AS \"" + field.fieldName() + "\"")
                .collect(Collectors.joining(", "));
        List<String> order = new ArrayList<>();
        for (SampleListing.SortKey key : listing.order()) {
            order.add(key.field().column() + (key.descending() ? " DESC" : " ASC") + " NULLS LAST");
        }
        if (listing.order().stream().noneMatch(key -> key.field() == SampleField.ID)) {
            order.add("id");
        }
        String sql = "SELECT " + columns + " FROM samples"
                + where.map(w -> " WHERE " + w.condition()).orElse("")
                + " ORDER BY " + String.join(", ", order) + " LIMIT ? OFFSET ?";
        return db.withConnection("listing samples failed", conn -> {
            try (PreparedStatement st = conn.prepareStatement(sql)) {
                int next = bind(st, where);
                st.setInt(next++, listing.limit());
                st.setInt(next, listing.offset());
                return Queries.result(st);
            }
        });
    }

    /** How many samples the filter keeps. */
    public long count(Optional<SampleFilter> filter) {
        Optional<FilterSql> where = filter.map(FilterSql::of);
        String sql = "SELECT COUNT(*) FROM samples" + where.map(w -> " WHERE " + w.condition()).orElse("");
        return db.withConnection("counting samples failed", conn -> {
            try (PreparedStatement st = conn.prepareStatement(sql)) {
                bind(st, where);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** Binds the filter's values; returns the index of the next parameter. */
    private static int bind(PreparedStatement st, Optional<FilterSql> where) throws SQLException {
        int index = 1;
        for (Object value : where.map(FilterSql::parameters).orElse(List.of())) {
            st.setObject(index++, value);
        }
        return index;
    }
}
