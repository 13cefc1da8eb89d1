package io.tgharvester.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Adds to and takes from the per-login tables of V10 ({@code user_totals}, {@code user_result_times},
 * {@code user_threat_scores}) on the connection of the transaction that changes a sample or an analysis, so they
 * always hold what their source rows sum to. A row that comes to count nothing is deleted, so a login has a row only
 * while it has samples, and a time or score only while a sample has it.
 */
final class UserTotals {
    private static final String ADD_COUNTS = """
            MERGE INTO user_totals t
            USING (VALUES (CAST(? AS VARCHAR(255)), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT),
                           CAST(? AS BIGINT), CAST(? AS TIMESTAMP WITH TIME ZONE)))
                  d(login, submissions, succeeded, failed, stale, submitted_at)
            ON t.login IS NOT DISTINCT FROM d.login
            WHEN MATCHED AND t.submissions + d.submissions = 0 THEN DELETE
            WHEN MATCHED THEN UPDATE SET submissions = t.submissions + d.submissions,
                succeeded = t.succeeded + d.succeeded, failed = t.failed + d.failed, stale = t.stale + d.stale,
                first_submitted_at = COALESCE(LEAST(t.first_submitted_at, d.submitted_at), t.first_submitted_at,
                    d.submitted_at),
                last_submitted_at = COALESCE(GREATEST(t.last_submitted_at, d.submitted_at), t.last_submitted_at,
                    d.submitted_at)
            WHEN NOT MATCHED THEN INSERT (login, submissions, succeeded, failed, stale, first_submitted_at,
                last_submitted_at)
                VALUES (d.login, d.submissions, d.succeeded, d.failed, d.stale, d.submitted_at, d.submitted_at)""";
    private static final String REFRESH_SPAN = """
            UPDATE user_totals SET
                first_submitted_at = (SELECT MIN(submitted_at) FROM samples WHERE login IS NOT DISTINCT FROM ?),
                last_submitted_at = (SELECT MAX(submitted_at) FROM samples WHERE login IS NOT DISTINCT FROM ?)
            WHERE login IS NOT DISTINCT FROM ?""";
    /** {@code %1$s} and {@code %2$s} are a histogram table and its value column, constants of this class. */
    private static final String ADD_TO_HISTOGRAM = """
            MERGE INTO %1$s t
            USING (VALUES (CAST(? AS VARCHAR(255)), CAST(? AS BIGINT), CAST(? AS BIGINT))) d(login, v, samples)
            ON t.login IS NOT DISTINCT FROM d.login AND t.%2$s = d.v
            WHEN MATCHED AND t.samples + d.samples = 0 THEN DELETE
            WHEN MATCHED THEN UPDATE SET samples = t.samples + d.samples
            WHEN NOT MATCHED THEN INSERT (login, %2$s, samples) VALUES (d.login, d.v, d.samples)""";
    private static final String ADD_RESULT_TIME = ADD_TO_HISTOGRAM.formatted("user_result_times", "seconds_to_result");
    private static final String ADD_THREAT_SCORE = ADD_TO_HISTOGRAM.formatted("user_threat_scores", "threat_score");

    private final Connection conn;

    UserTotals(Connection conn) {
        this.conn = conn;
    }

    /** How many samples a change adds to (or, negative, takes from) a login's counts. */
    record Counts(long submissions, long succeeded, long failed, long stale) {
        static final Counts NONE = new Counts(0, 0, 0, 0);

        /** One sample in {@code state}; any state but succ, fail and stale counts as pending. */
        static Counts ofOne(String state) {
            return new Counts(1, state.equals("succ") ? 1 : 0, state.equals("fail") ? 1 : 0,
                    state.equals("stale") ? 1 : 0);
        }

        Counts minus(Counts other) {
            return new Counts(submissions - other.submissions, succeeded - other.succeeded, failed - other.failed,
                    stale - other.stale);
        }
    }

    /**
     * Adds {@code counts} to {@code login}'s row, creating it for a new login, deleting it once its submissions reach
     * 0, and widening its first and last submission to {@code submittedAt}. Taking a sample away cannot narrow the
     * span: {@link #refreshSpan} does.
     */
    void addCounts(Optional<String> login, Counts counts, Optional<Instant> submittedAt) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement(ADD_COUNTS)) {
            Jdbc.setText(st, 1, login);
            st.setLong(2, counts.submissions());
            st.setLong(3, counts.succeeded());
            st.setLong(4, counts.failed());
            st.setLong(5, counts.stale());
            Jdbc.setTime(st, 6, submittedAt);
            st.executeUpdate();
        }
    }

    /** Sets {@code login}'s first and last submission from its samples, after one of them left or moved. */
    void refreshSpan(Optional<String> login) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement(REFRESH_SPAN)) {
            for (int i = 1; i <= 3; i++) {
                Jdbc.setText(st, i, login);
            }
            st.executeUpdate();
        }
    }

    void addResultTime(Optional<String> login, long secondsToResult, long samples) throws SQLException {
        addToHistogram(ADD_RESULT_TIME, login, secondsToResult, samples);
    }

    void addThreatScore(Optional<String> login, int threatScore, long samples) throws SQLException {
        addToHistogram(ADD_THREAT_SCORE, login, threatScore, samples);
    }

    private void addToHistogram(String sql, Optional<String> login, long value, long samples) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement(sql)) {
            Jdbc.setText(st, 1, login);
            st.setLong(2, value);
            st.setLong(3, samples);
            st.executeUpdate();
        }
    }
}
