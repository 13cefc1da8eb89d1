package io.tgharvester.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** The parts of the window queries' SQL that H2 and PostgreSQL spell differently. */
    private enum Dialect {
        /**
         * Its index hint (see {@link TallySql#in}); DATEDIFF is H2's own, and several times faster there than the
         * portable arithmetic on epoch seconds.
         */
        H2("samples s USE INDEX (samples_submissions)", "DATEDIFF('SECOND', s.submitted_at, s.finished_at)"),
        /** No hints: its planner weighs a window's range by its statistics. V10's function counts as its triggers do. */
        POSTGRESQL("samples s", "sample_seconds_to_result(s.state, s.submitted_at, s.finished_at)");

        /** The samples table as the window's counts read it. */
        private final String samples;
        /**
         * Whole seconds from submission to result of a {@code succ} sample, as V10's totals count them: the second
         * boundaries crossed, each time cut to its second.
         */
        private final String secondsToResult;

        Dialect(String samples, String secondsToResult) {
            this.samples = samples;
            this.secondsToResult = secondsToResult;
        }

        static Dialect of(Connection conn) throws SQLException {
            return Jdbc.isH2(conn) ? H2 : POSTGRESQL;
        }
    }

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

        /** No time bound (whatever the connection). */
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

    /** The per-login rows, busiest submitter first, and the organization's total row (login empty). */
    public record Users(List<UserRow> users, UserRow total) {
        public Users {
            users = List.copyOf(users);
        }
    }

    /**
     * Per-login numbers, computed as the {@code user_stats} view computes them (time to result of {@code succ} samples
     * in whole seconds; percentiles by linear interpolation), plus the median and, once analyses have been parsed,
     * threat scores; and the same for all samples in the window together.
     *
     * <p>All time, they come from the per-login totals that V10's triggers keep, whatever the number of samples. A
     * window counts the samples submitted in it, so its cost grows with the samples it holds.
     */
    public Users users(Window window) {
        return db.inSnapshot("cannot read per-user statistics", conn -> {
            boolean threat = Jdbc.anyAnalysisParsed(conn);
            Map<Optional<String>, UserTally> tallies = new HashMap<>();
            // The totals are per login across connections: one connection's samples are counted in its window.
            TallySql sql = window.isAll() && window.connection().isEmpty() ? TallySql.ALL_TIME
                    : TallySql.in(window, Dialect.of(conn));
            read(conn, sql.counts(), window, (login, rs) -> tallies.computeIfAbsent(login, l -> new UserTally())
                    .addCounts(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), Jdbc.time(rs, "first"),
                            Jdbc.time(rs, "last")));
            read(conn, sql.resultTimes(), window, (login, rs) -> tallies.get(login)
                    .addResultTime(rs.getLong(2), rs.getLong(3)));
            if (threat) {
                read(conn, sql.threatScores(), window, (login, rs) -> tallies.get(login)
                        .addThreatScore(rs.getLong(2), rs.getLong(3)));
            }
            UserTally total = new UserTally();
            List<UserRow> users = new ArrayList<>();
            tallies.forEach((login, tally) -> {
                users.add(tally.row(login, threat));
                total.addAll(tally);
            });
            users.sort(Comparator.comparingLong(UserRow::submissions).reversed()
                    .thenComparing(row -> row.login().orElse(null), Comparator.nullsLast(Comparator.naturalOrder())));
            return new Users(users, total.row(Optional.empty(), threat));
        });
    }

    /**
     * The three queries a {@link UserTally} adds up, each one row per login (and time or score) with the login first:
     * its counts and first and last submission, how many succ samples took each time to result, and how many
     * analyses have each threat score.
     */
    private record TallySql(String counts, String resultTimes, String threatScores) {
        static final TallySql ALL_TIME = new TallySql("""
                SELECT login, submissions, succeeded, failed, stale, first_submitted_at AS first,
                       last_submitted_at AS last
                FROM user_totals""",
                "SELECT login, seconds_to_result, samples FROM user_result_times",
                "SELECT login, threat_score, samples FROM user_threat_scores");

        /**
         * The same sums over the samples submitted in the window, as V10 made the totals from every sample. Each reads
         * the window's range of samples_submissions (V10), which holds all they need of a sample: H2 would otherwise
         * pick the state index for {@code state = 'succ'} and visit every succeeded sample of all time.
         */
        static TallySql in(Window window, Dialect dialect) {
            String where = inWindow(window);
            String samples = dialect.samples;
            return new TallySql("""
                    SELECT s.login, COUNT(*),
                           SUM(CASE WHEN s.state = 'succ' THEN 1 ELSE 0 END),
                           SUM(CASE WHEN s.state = 'fail' THEN 1 ELSE 0 END),
                           SUM(CASE WHEN s.state = 'stale' THEN 1 ELSE 0 END),
                           MIN(s.submitted_at) AS first, MAX(s.submitted_at) AS last
                    FROM %2$s
                    WHERE %1$s
                    GROUP BY s.login""".formatted(where, samples), """
                    SELECT s.login, %2$s, COUNT(*)
                    FROM %3$s
                    WHERE %1$s AND s.state = 'succ' AND s.finished_at IS NOT NULL
                    GROUP BY s.login, %2$s""".formatted(where, dialect.secondsToResult, samples), """
                    SELECT s.login, a.threat_score, COUNT(*)
                    FROM %2$s JOIN analysis a ON a.sample_id = s.id
                    WHERE %1$s AND a.threat_score IS NOT NULL
                    GROUP BY s.login, a.threat_score""".formatted(where, samples));
        }
    }

    @FunctionalInterface
    private interface LoginRows {
        void add(Optional<String> login, ResultSet rs) throws SQLException;
    }

    private static void read(Connection conn, String sql, Window window, LoginRows rows) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement(sql)) {
            bindWindow(st, 1, window);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(Optional.ofNullable(rs.getString(1)), rs);
                }
            }
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
                    ORDER BY s.submitted_at NULLS FIRST, s.id""".formatted(Dialect.of(conn).secondsToResult,
                    inWindow(window)))) {
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
     * left out of the SQL rather than bound as NULL, so that H2 plans an open-ended window as a range, not a scan.
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
}
