package io.tgharvester.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tgharvester.store.ReportQueries.ThreatStats;
import io.tgharvester.store.ReportQueries.UserRow;
import io.tgharvester.store.ReportQueries.Window;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The per-login numbers computed the straightforward way, from every sample and analysis at once with H2's own
 * aggregates (PERCENTILE_CONT sorts each login's times), as report users computed them before the totals of V10:
 * what the report and the user_stats view are checked against.
 */
public final class ExactUserStats {
    private ExactUserStats() {
    }

    /** One row per login in the window, sorted as the report sorts them, then the total (login empty). */
    public static List<UserRow> rowsThenTotal(Database db, Window window) {
        try (Connection conn = db.ownerConnection()) {
            List<UserRow> rows = new ArrayList<>(query(conn, window, true));
            rows.addAll(query(conn, window, false));
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The rows of {@code SELECT * FROM user_stats} as report rows (no median, no threat stats). */
    public static List<UserRow> userStatsView(Database db) {
        try (Connection conn = db.ownerConnection();
             PreparedStatement st = conn.prepareStatement(
                     "SELECT * FROM user_stats ORDER BY submissions DESC, login NULLS LAST");
             ResultSet rs = st.executeQuery()) {
            List<UserRow> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(new UserRow(Optional.ofNullable(rs.getString("login")), rs.getLong("submissions"),
                        rs.getLong("succeeded"), rs.getLong("failed"), rs.getLong("pending"), rs.getLong("stale"),
                        time(rs, "first_submitted_at"), time(rs, "last_submitted_at"),
                        decimal(rs, "mean_seconds_to_result"), Optional.empty(),
                        decimal(rs, "p95_seconds_to_result"), Optional.empty()));
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Without the columns the view does not have: the median and threat stats. */
    public static UserRow asInView(UserRow row) {
        return new UserRow(row.login(), row.submissions(), row.succeeded(), row.failed(), row.pending(), row.stale(),
                row.firstSubmittedAt(), row.lastSubmittedAt(), row.meanSecondsToResult(), Optional.empty(),
                row.p95SecondsToResult(), Optional.empty());
    }

    /**
     * Equal in every figure; the two means to 1e-9, as AVG rounds its exact decimal to ten places first and the
     * report divides in double precision.
     */
    public static void assertAgree(List<UserRow> expected, List<UserRow> actual, String what) {
        assertEquals(expected.stream().map(ExactUserStats::withoutMeans).toList(),
                actual.stream().map(ExactUserStats::withoutMeans).toList(), what);
        for (int i = 0; i < expected.size(); i++) {
            UserRow want = expected.get(i);
            UserRow got = actual.get(i);
            assertClose(want.meanSecondsToResult(), got.meanSecondsToResult(), what + ", " + want.login());
            assertClose(want.threat().flatMap(ThreatStats::meanScore), got.threat().flatMap(ThreatStats::meanScore),
                    what + ", " + want.login());
        }
    }

    private static List<Object> withoutMeans(UserRow row) {
        return Arrays.asList(row.login(), row.submissions(), row.succeeded(), row.failed(), row.pending(),
                row.stale(), row.firstSubmittedAt(), row.lastSubmittedAt(), row.meanSecondsToResult().isPresent(),
                row.medianSecondsToResult(), row.p95SecondsToResult(),
                row.threat().map(t -> List.of(t.meanScore().isPresent(), t.maxScore(), t.highSeverity())));
    }

    private static void assertClose(Optional<Double> want, Optional<Double> got, String what) {
        if (want.isPresent()) {
            assertEquals(want.get(), got.orElseThrow(), 1e-9, what);
        }
    }

    private static List<UserRow> query(Connection conn, Window window, boolean perLogin) throws SQLException {
        boolean threat;
        try (PreparedStatement st = conn.prepareStatement("SELECT COUNT(*) FROM analysis");
             ResultSet rs = st.executeQuery()) {
            rs.next();
            threat = rs.getLong(1) > 0;
        }
        String seconds = "CASE WHEN s.state = 'succ' THEN DATEDIFF('SECOND', s.submitted_at, s.finished_at) END";
        String sql = """
                SELECT %1$s AS login, COUNT(*) AS submissions,
                       SUM(CASE WHEN s.state = 'succ' THEN 1 ELSE 0 END) AS succeeded,
                       SUM(CASE WHEN s.state = 'fail' THEN 1 ELSE 0 END) AS failed,
                       SUM(CASE WHEN s.state NOT IN ('succ', 'fail', 'stale') THEN 1 ELSE 0 END) AS pending,
                       SUM(CASE WHEN s.state = 'stale' THEN 1 ELSE 0 END) AS stale,
                       MIN(s.submitted_at) AS first_at, MAX(s.submitted_at) AS last_at,
                       CAST(AVG(%2$s) AS DOUBLE PRECISION) AS mean_seconds,
                       CAST(PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY %2$s) AS DOUBLE PRECISION) AS median_seconds,
                       CAST(PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY %2$s) AS DOUBLE PRECISION) AS p95_seconds,
                       CAST(AVG(a.threat_score) AS DOUBLE PRECISION) AS mean_score,
                       CAST(MAX(a.threat_score) AS DOUBLE PRECISION) AS max_score,
                       SUM(CASE WHEN a.threat_score >= 90 THEN 1 ELSE 0 END) AS high
                FROM samples s LEFT JOIN analysis a ON a.sample_id = s.id
                WHERE (CAST(? AS TIMESTAMP WITH TIME ZONE) IS NULL OR s.submitted_at >= ?)
                  AND (CAST(? AS TIMESTAMP WITH TIME ZONE) IS NULL OR s.submitted_at < ?)
                %3$s""".formatted(perLogin ? "s.login" : "CAST(NULL AS VARCHAR)", seconds,
                perLogin ? "GROUP BY s.login ORDER BY submissions DESC, s.login NULLS LAST" : "");
        try (PreparedStatement st = conn.prepareStatement(sql)) {
            Jdbc.setTime(st, 1, window.from());
            Jdbc.setTime(st, 2, window.from());
            Jdbc.setTime(st, 3, window.to());
            Jdbc.setTime(st, 4, window.to());
            List<UserRow> rows = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Optional<ThreatStats> threatStats = threat ? Optional.of(new ThreatStats(
                            decimal(rs, "mean_score"), decimal(rs, "max_score"), rs.getLong("high")))
                            : Optional.empty();
                    rows.add(new UserRow(Optional.ofNullable(rs.getString("login")), rs.getLong("submissions"),
                            rs.getLong("succeeded"), rs.getLong("failed"), rs.getLong("pending"),
                            rs.getLong("stale"), time(rs, "first_at"), time(rs, "last_at"),
                            decimal(rs, "mean_seconds"), decimal(rs, "median_seconds"), decimal(rs, "p95_seconds"),
                            threatStats));
                }
            }
            return rows;
        }
    }

    private static Optional<Instant> time(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getObject(column, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
    }

    private static Optional<Double> decimal(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }
}
