package io.tgharvester.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import org.h2.api.Trigger;

/**
 * Keeps {@code user_threat_scores} in step with {@code analysis}: H2 calls it for every analysis row an INSERT,
 * UPDATE or DELETE changes (a reparse deletes a sample's row and inserts the new one), inside that transaction, and
 * it moves the row's threat score into or out of the count of its sample's login.
 *
 * <p>Created by H2 from V10's {@code CREATE TRIGGER}; one instance serves every session, so it keeps nothing but the
 * column positions it reads in {@link #init}.
 */
public final class ThreatScoreTotalsTrigger implements Trigger {
    private int sampleId;
    private int threatScore;

    private record Scored(String sampleId, int threatScore) {
    }

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before,
                     int type) throws SQLException {
        Map<String, Integer> columns = Jdbc.columnPositions(conn, schemaName, tableName);
        sampleId = columns.get("SAMPLE_ID");
        threatScore = columns.get("THREAT_SCORE");
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        Optional<Scored> before = scored(oldRow);
        Optional<Scored> after = scored(newRow);
        if (before.equals(after)) {
            return;
        }
        UserTotals totals = new UserTotals(conn);
        if (before.isPresent()) {
            totals.addThreatScore(login(conn, before.get().sampleId()), before.get().threatScore(), -1);
        }
        if (after.isPresent()) {
            totals.addThreatScore(login(conn, after.get().sampleId()), after.get().threatScore(), 1);
        }
    }

    private Optional<Scored> scored(Object[] row) {
        return row == null || row[threatScore] == null ? Optional.empty()
                : Optional.of(new Scored(((String) row[sampleId]).strip(), ((Number) row[threatScore]).intValue()));
    }

    /** The analysis references its sample, so the sample is there. */
    private static Optional<String> login(Connection conn, String sampleId) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement("SELECT login FROM samples WHERE id = ?")) {
            st.setString(1, sampleId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return Optional.ofNullable(rs.getString(1));
            }
        }
    }
}
