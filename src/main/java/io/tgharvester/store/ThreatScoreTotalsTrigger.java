package io.tgharvester.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps {@code user_threat_scores} in step with {@code analysis} (V10's trigger analysis_user_threat_scores): what an
 * analysis row counts is its threat score, if it has one, for its sample's login. A reparse deletes a sample's row
 * and inserts the new one.
 */
public final class ThreatScoreTotalsTrigger extends TotalsTrigger<ThreatScoreTotalsTrigger.Scored> {
    private int sampleId;
    private int threatScore;

    /** An analysis row's sample and threat score, if any. */
    record Scored(String sampleId, Optional<Integer> threatScore) {
    }

    @Override
    void readPositions(Map<String, Integer> columns) {
        sampleId = columns.get("SAMPLE_ID");
        threatScore = columns.get("THREAT_SCORE");
    }

    @Override
    Scored counted(Object[] row) {
        return new Scored(((String) row[sampleId]).strip(),
                Optional.ofNullable((Number) row[threatScore]).map(Number::intValue));
    }

    @Override
    void change(Connection conn, UserTotals totals, Optional<Scored> before, Optional<Scored> after)
            throws SQLException {
        if (before.isPresent() && before.get().threatScore().isPresent()) {
            totals.addThreatScore(login(conn, before.get().sampleId()), before.get().threatScore().get(), -1);
        }
        if (after.isPresent() && after.get().threatScore().isPresent()) {
            totals.addThreatScore(login(conn, after.get().sampleId()), after.get().threatScore().get(), 1);
        }
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
