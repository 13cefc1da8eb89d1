package io.tgharvester.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Binding and reading of the optional and time values every store class needs. */
final class Jdbc {
    /** The SQL type of every time the harvest stores. */
    static final String TIME = "TIMESTAMP WITH TIME ZONE";

    private Jdbc() {
    }

    static void setTime(PreparedStatement st, int index, Optional<Instant> value) throws SQLException {
        if (value.isPresent()) {
            st.setObject(index, value.get().atOffset(ZoneOffset.UTC));
        } else {
            st.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        }
    }

    static void setTime(PreparedStatement st, int index, Instant value) throws SQLException {
        st.setObject(index, value.atOffset(ZoneOffset.UTC));
    }

    static void setText(PreparedStatement st, int index, Optional<String> value) throws SQLException {
        st.setString(index, value.orElse(null));
    }

    static void setLong(PreparedStatement st, int index, Optional<Long> value) throws SQLException {
        if (value.isPresent()) {
            st.setLong(index, value.get());
        } else {
            st.setNull(index, Types.BIGINT);
        }
    }

    /** Error texts are stored up to the 1,000 characters their columns hold. */
    static String clip(String text) {
        return text.length() > 1000 ? text.substring(0, 1000) : text;
    }

    /** Whether {@code conn} is H2's, for the few clauses H2 and PostgreSQL spell differently. */
    static boolean isH2(Connection conn) throws SQLException {
        return "H2".equals(conn.getMetaData().getDatabaseProductName());
    }

    /** Whether the parse stage has put any analysis into the correlation tables yet. */
    static boolean anyAnalysisParsed(Connection conn) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement("SELECT 1 FROM analysis LIMIT 1");
             ResultSet rs = st.executeQuery()) {
            return rs.next();
        }
    }

    static Optional<Instant> time(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getObject(column, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
    }

    /** A TIMESTAMP WITH TIME ZONE as H2 hands it to a trigger. */
    static Optional<Instant> instant(Object value) {
        return Optional.ofNullable((OffsetDateTime) value).map(OffsetDateTime::toInstant);
    }

    /** Each column of {@code table} by its name, at its index in the rows H2 hands a trigger (from 0). */
    static Map<String, Integer> columnPositions(Connection conn, String schema, String table) throws SQLException {
        Map<String, Integer> positions = new HashMap<>();
        try (ResultSet rs = conn.getMetaData().getColumns(null, schema, table, null)) {
            while (rs.next()) {
                positions.put(rs.getString("COLUMN_NAME"), rs.getInt("ORDINAL_POSITION") - 1);
            }
        }
        return positions;
    }
}
