package io.tgharvester.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Each connection's backfill progress (table backfill_progress). A page of listed samples is stored together with the
 * progress it makes ({@link SampleStore#storePage(java.util.List, BackfillProgress, Instant)}), so an interrupted
 * backfill continues exactly after the last page it stored.
 */
public final class BackfillStore {
    private static final String SAVE = Upsert.sql("backfill_progress", List.of("connection"), "connection VARCHAR",
            "from_spec VARCHAR", "to_spec VARCHAR", "from_at " + Jdbc.TIME, "to_at " + Jdbc.TIME,
            "window_seconds BIGINT", "window_from " + Jdbc.TIME, "next_offset INT", "windows_done INT", "pages BIGINT",
            "samples BIGINT", "started_at " + Jdbc.TIME, "updated_at " + Jdbc.TIME, "finished_at " + Jdbc.TIME);

    private final Database db;

    public BackfillStore(Database db) {
        this.db = db;
    }

    /** The backfill of this connection, finished or not, if one was ever begun. */
    public Optional<BackfillProgress> read(String connection) {
        return db.withConnection("cannot read the backfill progress", conn -> {
            try (PreparedStatement st = conn.prepareStatement(
                    "SELECT * FROM backfill_progress WHERE connection = ?")) {
                st.setString(1, connection);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<BackfillProgress>empty();
                    }
                    return Optional.of(new BackfillProgress(connection, rs.getString("from_spec"),
                            Optional.ofNullable(rs.getString("to_spec")), time(rs, "from_at"), time(rs, "to_at"),
                            Duration.ofSeconds(rs.getLong("window_seconds")), time(rs, "window_from"),
                            rs.getInt("next_offset"), rs.getInt("windows_done"), rs.getLong("pages"),
                            rs.getLong("samples"), time(rs, "started_at"), Jdbc.time(rs, "finished_at")));
                }
            }
        });
    }

    public void save(BackfillProgress progress, Instant now) {
        db.withWritingConnection("cannot store the backfill progress", conn -> {
            save(conn, progress, now);
            return null;
        });
    }

    static void save(Connection conn, BackfillProgress p, Instant now) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement(SAVE)) {
            st.setString(1, p.connection());
            st.setString(2, p.fromSpec());
            st.setString(3, p.toSpec().orElse(null));
            Jdbc.setTime(st, 4, p.from());
            Jdbc.setTime(st, 5, p.to());
            st.setLong(6, p.window().toSeconds());
            Jdbc.setTime(st, 7, p.windowFrom());
            st.setInt(8, p.nextOffset());
            st.setInt(9, p.windowsDone());
            st.setLong(10, p.pages());
            st.setLong(11, p.samples());
            Jdbc.setTime(st, 12, p.startedAt());
            Jdbc.setTime(st, 13, now);
            Jdbc.setTime(st, 14, p.finishedAt());
            st.executeUpdate();
        }
    }

    private static Instant time(ResultSet rs, String column) throws SQLException {
        return Jdbc.time(rs, column).orElseThrow(() -> new SQLException(column + " is NULL in backfill_progress"));
    }
}
