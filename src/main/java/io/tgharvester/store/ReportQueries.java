package io.tgharvester.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fixed queries behind {@code report users} and {@code report activity}. Every query takes a {@link Window} on
 * {@code submitted_at}; with no bounds it covers all samples, those without a {@code submitted_at} included, so
 * the per-user numbers equal the {@code user_stats} view's.
 *
 * <p>Threat scores, IOCs, domains and magic types come from the correlation tables, which the parse stage fills
 * after downloads. Until it has parsed a single analysis (a harvest that predates it, or before its first run)
 * every query that needs one answers {@link Optional#empty()}, so reports can say why a section is missing
 * instead of showing zeros.
 */
public final class ReportQueries {
    /** A threat score at or above this counts as high severity (Threat Grid scores run 0 to 100). */
    public static final int HIGH_THREAT_SCORE = 90;


    private static final String SECONDS_TO_RESULT = "DATEDIFF('SECOND', s.submitted_at, s.finished_at)";

    private final Database db;

    public ReportQueries(Database db) {
        this.db = db;
    }

    /**
     * Samples submitted at or after {@code from} and before {@code to}, an absent bound open; of one connection, or of
     * all.
     */
    public record Window(Optional<Instant> from, Optional<Instant> to, Optional<String> connection) {
        public static final Window ALL = new Window(Optional.empty(), Optional.empty());

        public Window {
            if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
                throw new IllegalArgumentException("the window is empty: " + from.get() + " is not before " + to.get());
            }
        }

        /** Samples of every connection. */
        public Window(Optional<Instant> from, Optional<Instant> to) {
            this(from, to, Optional.empty());
        }

        /** The same window, of one connection's samples only. */
        public Window of(Optional<String> onlyConnection) {
            return new Window(from, to, onlyConnection);
        }

        public boolean isAll() {
            return from.isEmpty() && to.isEmpty();
        }
    }

    /** Threat scores of one login's samples that have an analysis row. */
    public record ThreatStats(Optional<Double> meanScore, Optional<Double> maxScore, long highSeverity) {
    }

    /** One submitting login's numbers in a window; an empty login is the samples without one. */
    public record UserRow(Optional<String> login, long submissions, long succeeded, long failed, long pending,
                          long stale, Optional<Instant> firstSubmittedAt, Optional<Instant> lastSubmittedAt,
                          Optional<Double> meanSecondsToResult, Optional<Double> medianSecondsToResult,
                          Optional<Double> p95SecondsToResult, Optional<ThreatStats> threat) {
    }

    /** One sample as the activity report needs it; seconds to result only for {@code succ} samples. */
    public record Submission(String id, Optional<String> login, String state, Optional<Instant> submittedAt,
                             Optional<String> filename, Optional<Long> secondsToResult) {
    }

    /** A value (IOC, domain, file type) and the number of samples in the window that have it. */
    public record Ranked(String name, long samples) {
    }

    /**
     * Per-login numbers, busiest submitter first, computed exactly as the {@code user_stats} view computes them
     * (time to result of {@code succ} samples in whole seconds; percentiles by linear interpolation), plus the
     * median and, once analyses have been parsed, threat scores.
     */
    public List<UserRow> users(Window window) {
        return db.withConnection("cannot read per-user statistics", conn -> userRows(conn, window, true));
    }

    /** The same numbers for all samples in the window together (login empty): the organization's total. */
    public UserRow total(Window window) {
        return db.withConnection("cannot read total statistics", conn -> userRows(conn, window, false).get(0));
    }

    /**
     * Reads samples through the covering samples_user_stats index (V7), whatever the window: H2 would otherwise
     * pick the submitted_at index and fetch every whole row, several times slower at a million samples.
     */
    private static List<UserRow> userRows(Connection conn, Window window, boolean perLogin) throws SQLException {
        boolean threat = Jdbc.anyAnalysisParsed(conn);
        String threatColumns = threat ? """
                ,
                CAST(AVG(a.threat_score) AS DOUBLE PRECISION)                  AS mean_threat_score,
                CAST(MAX(a.threat_score) AS DOUBLE PRECISION)                  AS max_threat_score,
                SUM(CASE WHEN a.threat_score >= ? THEN 1 ELSE 0 END)           AS high_severity""" : "";
        String threatJoin = threat ? "\nLEFT JOIN analysis a ON a.sample_id = s.id" : "";
        String sql = """
                SELECT %5$s AS login,
                       COUNT(*)                                                        AS submissions,
                       SUM(CASE WHEN s.state = 'succ' THEN 1 ELSE 0 END)               AS succeeded,
                       SUM(CASE WHEN s.state = 'fail' THEN 1 ELSE 0 END)               AS failed,
                       SUM(CASE WHEN s.state NOT IN ('succ', 'fail', 'stale') THEN 1 ELSE 0 END) AS pending,
                       SUM(CASE WHEN s.state = 'stale' THEN 1 ELSE 0 END)              AS stale,
                       MIN(s.submitted_at)                                             AS first_submitted_at,
                       MAX(s.submitted_at)                                             AS last_submitted_at,
                       CAST(AVG(CASE WHEN s.state = 'succ' THEN %1$s END) AS DOUBLE PRECISION)
                                                                                       AS mean_seconds,
                       CAST(PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY
                           CASE WHEN s.state = 'succ' THEN %1$s END) AS DOUBLE PRECISION) AS median_seconds,
                       CAST(PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY
                           CASE WHEN s.state = 'succ' THEN %1$s END) AS DOUBLE PRECISION) AS p95_seconds%2$s
                FROM samples s USE INDEX (samples_user_stats)%3$s
                WHERE %4$s%6$s"""
                .formatted(SECONDS_TO_RESULT, threatColumns, threatJoin,
                        inWindow(window), perLogin ? "s.login" : "CAST(NULL AS VARCHAR)",
                        perLogin ? "\nGROUP BY s.login\nORDER BY submissions DESC, s.login NULLS LAST" : "");
        try (PreparedStatement st = conn.prepareStatement(sql)) {
            int next = 1;
            if (threat) {
                st.setInt(next++, HIGH_THREAT_SCORE);
            }
            bindWindow(st, next, window);
            List<UserRow> rows = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Optional<ThreatStats> threatStats = threat
                            ? Optional.of(new ThreatStats(optionalDouble(rs, "mean_threat_score"),
                            optionalDouble(rs, "max_threat_score"), rs.getLong("high_severity")))
                            : Optional.empty();
                    rows.add(new UserRow(Optional.ofNullable(rs.getString("login")), rs.getLong("submissions"),
                            rs.getLong("succeeded"), rs.getLong("failed"), rs.getLong("pending"),
                            rs.getLong("stale"), Jdbc.time(rs, "first_submitted_at"),
                            Jdbc.time(rs, "last_submitted_at"), optionalDouble(rs, "mean_seconds"),
                            optionalDouble(rs, "median_seconds"), optionalDouble(rs, "p95_seconds"),
                            threatStats));
                }
            }
            return List.copyOf(rows);
        }
    }

    /** Every sample in the window, oldest submission first: the activity report buckets them in its time zone. */
    public List<Submission> submissions(Window window) {
        return db.withConnection("cannot read submissions", conn -> {
            try (PreparedStatement st = conn.prepareStatement("""
                    SELECT s.id, s.login, s.state, s.submitted_at, s.filename,
                           CASE WHEN s.state = 'succ' THEN %s END AS seconds_to_result
                    FROM samples s
                    WHERE %s
                    ORDER BY s.submitted_at NULLS FIRST, s.id""".formatted(SECONDS_TO_RESULT, inWindow(window)))) {
                bindWindow(st, 1, window);
                List<Submission> rows = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        long seconds = rs.getLong("seconds_to_result");
                        Optional<Long> secondsToResult = rs.wasNull() ? Optional.empty() : Optional.of(seconds);
                        rows.add(new Submission(rs.getString("id").strip(), Optional.ofNullable(rs.getString("login")),
                                rs.getString("state"), Jdbc.time(rs, "submitted_at"),
                                Optional.ofNullable(rs.getString("filename")), secondsToResult));
                    }
                }
                return List.copyOf(rows);
            }
        });
    }

    /** Most frequent IOCs (by number of samples showing them), or empty until an analysis has been parsed. */
    public Optional<List<Ranked>> topIocs(Window window, int limit) {
        return topValues("cannot read IOCs", "iocs", "ioc", window, limit);
    }

    /** Most contacted domains (by number of samples contacting them), or empty until an analysis has been parsed. */
    public Optional<List<Ranked>> topDomains(Window window, int limit) {
        return topValues("cannot read domains", "domains", "domain", window, limit);
    }

    /** Most frequent magic (content) types, or empty until an analysis has been parsed. */
    public Optional<List<Ranked>> topMagicTypes(Window window, int limit) {
        return topValues("cannot read file types", "analysis", "magic_type", window, limit);
    }

    /** {@code table} and {@code column} are constants of this class, never input. */
    private Optional<List<Ranked>> topValues(String failure, String table, String column, Window window,
                                             int limit) {
        return db.withConnection(failure, conn -> {
            if (!Jdbc.anyAnalysisParsed(conn)) {
                return Optional.empty();
            }
            String sql = """
                    SELECT c.%2$s AS name, COUNT(DISTINCT s.id) AS samples
                    FROM %1$s c JOIN samples s ON s.id = c.sample_id
                    WHERE c.%2$s IS NOT NULL AND %3$s
                    GROUP BY c.%2$s
                    ORDER BY samples DESC, name
                    LIMIT ?""".formatted(table, column, inWindow(window));
            try (PreparedStatement st = conn.prepareStatement(sql)) {
                int next = bindWindow(st, 1, window);
                st.setInt(next, limit);
                List<Ranked> rows = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Ranked(rs.getString("name"), rs.getLong("samples")));
                    }
                }
                return Optional.of(List.copyOf(rows));
            }
        });
    }

    /**
     * The window as a condition on {@code s.submitted_at}, with a parameter per bound present. A missing bound is
     * left out of the SQL rather than bound as NULL, so that an all-time report can aggregate the covering
     * samples_user_stats index instead of walking samples in submitted_at order.
     */
    private static String inWindow(Window window) {
        List<String> conditions = new ArrayList<>();
        window.from().ifPresent(from -> conditions.add("s.submitted_at >= ?"));
        window.to().ifPresent(to -> conditions.add("s.submitted_at < ?"));
        window.connection().ifPresent(connection -> conditions.add("s.connection = ?"));
        return conditions.isEmpty() ? "TRUE" : String.join(" AND ", conditions);
    }

    private static int bindWindow(PreparedStatement st, int first, Window window) throws SQLException {
        int index = first;
        for (Optional<Instant> bound : List.of(window.from(), window.to())) {
            if (bound.isPresent()) {
                Jdbc.setTime(st, index++, bound.get());
            }
        }
        if (window.connection().isPresent()) {
            st.setString(index++, window.connection().get());
        }
        return index;
    }

    private static Optional<Double> optionalDouble(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }
}
