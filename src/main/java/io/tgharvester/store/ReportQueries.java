package io.tgharvester.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The fixed queries behind {@code report users} and {@code report activity}. Every query takes a {@link Window} on
 * {@code submitted_at}; with no bounds it covers all samples, those without a {@code submitted_at} included, so
 * the per-user numbers equal the {@code user_stats} view's.
 *
 * <p>Correlation tables (threat scores, IOCs, domains) come from a later stage. Their presence is checked in
 * INFORMATION_SCHEMA, and every query that needs one answers {@link Optional#empty()} while it is missing. The
 * table and column names put into those queries are those constants, in the spelling INFORMATION_SCHEMA gives
 * them; never input.
 */
public final class ReportQueries {
    /** A threat score at or above this counts as high severity (Threat Grid scores run 0 to 100). */
    public static final int HIGH_THREAT_SCORE = 90;

    private static final String ANALYSIS = "ANALYSIS";
    private static final String IOCS = "IOCS";
    private static final List<String> DOMAIN_TABLES = List.of("DOMAINS", "NETWORK_DOMAINS", "SAMPLE_DOMAINS");
    private static final List<String> IOC_COLUMNS = List.of("IOC", "TITLE", "NAME");

    /** Both bounds bound as parameters; an absent bound lets every row through, NULL submitted_at included. */
    private static final String IN_WINDOW = """
            (CAST(? AS TIMESTAMP WITH TIME ZONE) IS NULL OR s.submitted_at >= ?)
            AND (CAST(? AS TIMESTAMP WITH TIME ZONE) IS NULL OR s.submitted_at < ?)""";

    private static final String SECONDS_TO_RESULT = "DATEDIFF('SECOND', s.submitted_at, s.finished_at)";

    private final Database db;

    public ReportQueries(Database db) {
        this.db = db;
    }

    /** Samples submitted at or after {@code from} and before {@code to}; an absent bound is open. */
    public record Window(Optional<Instant> from, Optional<Instant> to) {
        public static final Window ALL = new Window(Optional.empty(), Optional.empty());

        public Window {
            if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
                throw new IllegalArgumentException("the window is empty: " + from.get() + " is not before " + to.get());
            }
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
     * median and, when the {@code analysis} table exists, threat scores.
     */
    public List<UserRow> users(Window window) {
        return db.withConnection("cannot read per-user statistics", conn -> userRows(conn, window, true));
    }

    /** The same numbers for all samples in the window together (login empty): the organization's total. */
    public UserRow total(Window window) {
        return db.withConnection("cannot read total statistics", conn -> userRows(conn, window, false).get(0));
    }

    private static List<UserRow> userRows(Connection conn, Window window, boolean perLogin) throws SQLException {
        Optional<TableColumns> analysis = TableColumns.of(conn, ANALYSIS)
                .filter(t -> t.first(List.of("SAMPLE_ID")).isPresent()
                        && t.first(List.of("THREAT_SCORE")).isPresent());
        boolean threat = analysis.isPresent();
        String threatColumns = threat ? """
                ,
                CAST(AVG(a.threat_score) AS DOUBLE PRECISION)                  AS mean_threat_score,
                CAST(MAX(a.threat_score) AS DOUBLE PRECISION)                  AS max_threat_score,
                SUM(CASE WHEN a.threat_score >= ? THEN 1 ELSE 0 END)           AS high_severity""" : "";
        // One score per sample, so a table with several analysis rows per sample cannot inflate the counts.
        String threatJoin = analysis.map(t -> """
                LEFT JOIN (SELECT "%2$s" AS sample_id, MAX("%3$s") AS threat_score FROM "%1$s" GROUP BY "%2$s") a
                       ON a.sample_id = s.id""".formatted(t.table(), t.first(List.of("SAMPLE_ID")).orElseThrow(),
                t.first(List.of("THREAT_SCORE")).orElseThrow())).orElse("");
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
                FROM samples s%3$s
                WHERE %4$s%6$s"""
                .formatted(SECONDS_TO_RESULT, threatColumns, threatJoin.isEmpty() ? "" : "\n" + threatJoin,
                        IN_WINDOW, perLogin ? "s.login" : "CAST(NULL AS VARCHAR)",
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
                    ORDER BY s.submitted_at NULLS FIRST, s.id""".formatted(SECONDS_TO_RESULT, IN_WINDOW))) {
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

    /** Most frequent IOCs (by number of samples showing them), or empty while there is no IOC table. */
    public Optional<List<Ranked>> topIocs(Window window, int limit) {
        return db.withConnection("cannot read IOCs", conn -> {
            Optional<String> column = firstColumn(conn, IOCS, IOC_COLUMNS);
            if (column.isEmpty() || !hasColumns(conn, IOCS, "SAMPLE_ID")) {
                return Optional.empty();
            }
            return Optional.of(ranked(conn, IOCS, column.get(), window, limit));
        });
    }

    /** Most contacted domains (by number of samples contacting them), or empty while there is no domain table. */
    public Optional<List<Ranked>> topDomains(Window window, int limit) {
        return db.withConnection("cannot read domains", conn -> {
            for (String table : DOMAIN_TABLES) {
                if (hasColumns(conn, table, "SAMPLE_ID", "DOMAIN")) {
                    return Optional.of(ranked(conn, table, "DOMAIN", window, limit));
                }
            }
            return Optional.empty();
        });
    }

    /** Most frequent magic (content) types, or empty while {@code analysis} has no {@code magic_type}. */
    public Optional<List<Ranked>> topMagicTypes(Window window, int limit) {
        return db.withConnection("cannot read file types", conn -> {
            if (!hasColumns(conn, ANALYSIS, "SAMPLE_ID", "MAGIC_TYPE")) {
                return Optional.empty();
            }
            return Optional.of(ranked(conn, ANALYSIS, "MAGIC_TYPE", window, limit));
        });
    }

    /**
     * {@code candidate} and {@code candidateColumn} are constants of this class, checked to exist; the names put
     * into the SQL are their stored spellings from INFORMATION_SCHEMA, never input.
     */
    private static List<Ranked> ranked(Connection conn, String candidate, String candidateColumn, Window window,
                                       int limit) throws SQLException {
        TableColumns found = TableColumns.of(conn, candidate).orElseThrow();
        String table = found.table();
        String column = found.first(List.of(candidateColumn)).orElseThrow();
        String sql = """
                SELECT c."%2$s" AS name, COUNT(DISTINCT s.id) AS samples
                FROM "%1$s" c JOIN samples s ON s.id = c.sample_id
                WHERE c."%2$s" IS NOT NULL AND %3$s
                GROUP BY c."%2$s"
                ORDER BY samples DESC, name
                LIMIT ?""".formatted(table, column, IN_WINDOW);
        try (PreparedStatement st = conn.prepareStatement(sql)) {
            int next = bindWindow(st, 1, window);
            st.setInt(next, limit);
            List<Ranked> rows = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Ranked(String.valueOf(rs.getObject("name")), rs.getLong("samples")));
                }
            }
            return List.copyOf(rows);
        }
    }

    private static int bindWindow(PreparedStatement st, int first, Window window) throws SQLException {
        int index = first;
        for (Optional<Instant> bound : List.of(window.from(), window.to())) {
            for (int twice = 0; twice < 2; twice++) {
                if (bound.isPresent()) {
                    Jdbc.setTime(st, index++, bound.get());
                } else {
                    st.setNull(index++, Types.TIMESTAMP_WITH_TIMEZONE);
                }
            }
        }
        return index;
    }

    private static boolean hasColumns(Connection conn, String table, String... columns) throws SQLException {
        Optional<TableColumns> found = TableColumns.of(conn, table);
        if (found.isEmpty()) {
            return false;
        }
        for (String column : columns) {
            if (found.get().first(List.of(column)).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** The first of {@code candidates} that {@code table} has, in its stored spelling. */
    private static Optional<String> firstColumn(Connection conn, String table, List<String> candidates)
            throws SQLException {
        return TableColumns.of(conn, table).flatMap(found -> found.first(candidates));
    }

    /** A table of the current schema as stored (H2 keeps unquoted names upper case), with its columns. */
    private record TableColumns(String table, List<String> columns) {
        static Optional<TableColumns> of(Connection conn, String table) throws SQLException {
            try (PreparedStatement st = conn.prepareStatement("""
                    SELECT table_name, column_name FROM information_schema.columns
                    WHERE table_schema = CURRENT_SCHEMA AND UPPER(table_name) = ?
                    ORDER BY table_name, ordinal_position""")) {
                st.setString(1, table.toUpperCase(Locale.ROOT));
                String stored = null;
                List<String> columns = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        if (stored == null) {
                            stored = rs.getString(1);
                        }
                        if (stored.equals(rs.getString(1))) {
                            columns.add(rs.getString(2));
                        }
                    }
                }
                return stored == null ? Optional.empty() : Optional.of(new TableColumns(stored, columns));
            }
        }

        Optional<String> first(List<String> candidates) {
            for (String candidate : candidates) {
                for (String column : columns) {
                    if (column.equalsIgnoreCase(candidate)) {
                        return Optional.of(column);
                    }
                }
            }
            return Optional.empty();
        }
    }

    private static Optional<Double> optionalDouble(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }
}
