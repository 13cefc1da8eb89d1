package io.tgharvester.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.h2.api.ErrorCode;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.Parser;

/**
 * Read queries: users' own SQL (over a read-only connection) and the fixed ones behind status and reports.
 */
public final class Queries {
    /** PostgreSQL's read_only_sql_transaction and insufficient_privilege. */
    private static final Set<String> POSTGRES_REFUSALS = Set.of("25006", "42501");

    private final Database db;

    public Queries(Database db) {
        this.db = db;
    }

    /**
     * Runs one user-written query that {@link QueryText} found to be exactly one read statement, and that the database
     * itself keeps from writing: on H2 as the READER user (see db/V3__reader.sql), whose rights refuse every write and
     * every file, link or admin function; on PostgreSQL in a read-only transaction that is always rolled back. Escape
     * processing is off so that the database runs the very text that was checked.
     */
    public QueryResult userQuery(String sql) {
        String query = QueryText.singleReadQuery(sql);
        try (Connection conn = db.connection(); Statement st = conn.createStatement()) {
            st.setEscapeProcessing(false);
            if (!db.shared()) {
                conn.setReadOnly(true);
                return result(st.executeQuery(query));
            }
            return inReadOnlyTransaction(conn, st, query);
        } catch (SQLException e) {
            throw new StoreException(refusedByRights(e)
                    ? "refused: sql only reads, and the database does not allow this query (" + reason(e) + ")"
                    : "query failed: " + reason(e));
        }
    }

    /**
     * PostgreSQL's part: it refuses every write in a read-only transaction (25006), and the rollback undoes what a
     * read may still change (a set_config). This runs as the configured login, which may own the tables; a login of
     * its own granted tg_harvester_reader (db/postgresql/V3) is the stronger guard for ad-hoc SQL tools.
     */
    private static QueryResult inReadOnlyTransaction(Connection conn, Statement st, String query) throws SQLException {
        if (statementsSent(conn, query) != 1) {
            // the driver sends each statement it finds: a COMMIT among them would end the read-only transaction
            throw new StoreException("one query at a time: remove the ';' separated statements");
        }
        conn.setAutoCommit(false);
        conn.setReadOnly(true);
        try {
            // explicit as well: a readOnlyMode=ignore in harvester.db.url would make setReadOnly do nothing
            st.execute("SET TRANSACTION READ ONLY");
            return result(st.executeQuery(query));
        } finally {
            conn.rollback();
        }
    }

    /**
     * How many statements pgjdbc finds in {@code query} and sends, read by its own parser: PostgreSQL reads quotes
     * where H2 does not ({@code E'\''}, {@code $tag$…$tag$}), so a ';' hidden from {@link QueryText} can split it.
     */
    private static int statementsSent(Connection conn, String query) throws SQLException {
        return Parser.parseJdbcSql(query, conn.unwrap(BaseConnection.class).getStandardConformingStrings(), false,
                true, false, false).size();
    }

    private static boolean refusedByRights(SQLException e) {
        return e.getErrorCode() == ErrorCode.NOT_ENOUGH_RIGHTS_FOR_1
                || e.getErrorCode() == ErrorCode.ADMIN_RIGHTS_REQUIRED
                || POSTGRES_REFUSALS.contains(String.valueOf(e.getSQLState()));
    }

    /** The database's message without the statement H2 repeats after it, on one line as the error must be. */
    private static String reason(SQLException e) {
        String message = String.valueOf(e.getMessage());
        int statement = message.indexOf("; SQL statement:");
        return (statement < 0 ? message : message.substring(0, statement)).replaceAll("\\s*\\R\\s*", " ").strip();
    }

    /** Per-user statistics (the {@code user_stats} view), busiest submitters first. */
    public QueryResult userStats() {
        return fixed("SELECT * FROM user_stats ORDER BY submissions DESC, login NULLS LAST");
    }

    /** Number of samples by state. */
    public QueryResult samplesByState() {
        return samplesByState(Optional.empty());
    }

    /** Number of samples by state, of one connection or of all. */
    public QueryResult samplesByState(Optional<String> connection) {
        return ofConnection("""
                SELECT state, COUNT(*) AS samples FROM samples WHERE %s
                GROUP BY state ORDER BY samples DESC, state""", "connection", connection);
    }

    /** Artifacts by status, with their total size. */
    public QueryResult artifactsByStatus() {
        return artifactsByStatus(Optional.empty());
    }

    /** Artifacts by status, with their total size, of one connection's samples or of all. */
    public QueryResult artifactsByStatus(Optional<String> connection) {
        return ofConnection("""
                SELECT status, COUNT(*) AS artifacts, COALESCE(SUM(bytes), 0) AS bytes
                FROM artifacts WHERE %s GROUP BY status ORDER BY status""",
                "(SELECT connection FROM samples WHERE id = sample_id)", connection);
    }

    /** Samples, unfinished ones and the newest submission of each connection, by alias. */
    public QueryResult samplesByConnection() {
        return fixed("""
                SELECT connection, COUNT(*) AS samples,
                       SUM(CASE WHEN state NOT IN ('succ', 'fail', 'stale') THEN 1 ELSE 0 END) AS unfinished,
                       MAX(submitted_at) AS newest_submitted_at
                FROM samples GROUP BY connection ORDER BY connection""");
    }

    /** How many analyses were parsed into the correlation tables, and how many could not be. */
    public QueryResult analysesByParseStatus() {
        return fixed("SELECT status, COUNT(*) AS analyses FROM parse_state GROUP BY status ORDER BY status");
    }

    /** Succeeded samples that do not yet have {@code artifactCount} artifacts done. */
    public long succeededWithoutAllArtifacts(int artifactCount) {
        return db.withConnection("query failed", conn -> {
            try (PreparedStatement st = conn.prepareStatement("""
                    SELECT COUNT(*) FROM samples s
                    WHERE s.state = 'succ'
                      AND (SELECT COUNT(*) FROM artifacts a WHERE a.sample_id = s.id AND a.status = 'done') < ?""")) {
                st.setInt(1, artifactCount);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** Last success and failure of each stage, and the fetch watermark. */
    public QueryResult jobRuns() {
        return jobRuns(Optional.empty());
    }

    /**
     * Last success and failure of each stage and each connection's fetch watermark ({@code watermark:eu}; the
     * default connection's plain {@code watermark}), of one connection (with the shared parse stage) or of all.
     */
    public QueryResult jobRuns(Optional<String> connection) {
        return ofConnection("""
                SELECT job, last_success_at, last_failure_at, last_error FROM (
                    SELECT job, last_success_at, last_failure_at, last_error,
                           CASE WHEN POSITION(':' IN job) > 0 THEN SUBSTRING(job, POSITION(':' IN job) + 1)
                                WHEN job = 'parse' THEN NULL ELSE 'default' END AS connection
                    FROM job_runs
                    UNION ALL
                    SELECT CASE WHEN connection = 'default' THEN 'watermark' ELSE 'watermark:' || connection END,
                           submitted_at, NULL, NULL, connection
                    FROM fetch_watermark) AS runs WHERE %s
                ORDER BY job""", "COALESCE(connection, ?)", connection);
    }

    /**
     * The fetch watermark: the server's submitted_at the next listing starts from (less the overlap); with several
     * connections the oldest of theirs, the one furthest behind.
     */
    public Optional<Instant> watermark() {
        return db.withConnection("query failed", conn -> {
            try (PreparedStatement st = conn.prepareStatement(
                    "SELECT MIN(submitted_at) AS submitted_at FROM fetch_watermark");
                 ResultSet rs = st.executeQuery()) {
                return rs.next() ? Jdbc.time(rs, "submitted_at") : Optional.<Instant>empty();
            }
        });
    }

    /** The listing a round left unfinished (no rows when none is): it continues at next_offset in the next round. */
    public QueryResult listingInProgress() {
        return listingInProgress(Optional.empty());
    }

    /** As {@link #listingInProgress()}, of one connection or of all. */
    public QueryResult listingInProgress(Optional<String> connection) {
        return ofConnection("""
                SELECT connection, after_at AS listing_after, pages, next_offset, started_at FROM fetch_listing
                WHERE after_at IS NOT NULL AND %s ORDER BY connection""", "connection", connection);
    }

    /**
     * Runs {@code sql} with its {@code %s} filled by a condition on {@code column}: equal to the connection (bound,
     * never spliced in), or TRUE for all connections. A column holding a {@code ?} is bound to the connection too.
     */
    private QueryResult ofConnection(String sql, String column, Optional<String> connection) {
        if (connection.isEmpty()) {
            return fixed(sql.formatted("TRUE"));
        }
        return db.withConnection("query failed", conn -> {
            try (PreparedStatement st = conn.prepareStatement(sql.formatted(column + " = ?"))) {
                int parameters = st.getParameterMetaData().getParameterCount();
                for (int i = 1; i <= parameters; i++) {
                    st.setString(i, connection.get());
                }
                return result(st);
            }
        });
    }

    private QueryResult fixed(String sql) {
        return db.withConnection("query failed", conn -> run(conn, sql));
    }

    private static QueryResult run(Connection conn, String sql) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement(sql)) {
            return result(st);
        }
    }

    /** Runs a prepared, bound query: its column labels in lower case, times as UTC OffsetDateTime. */
    static QueryResult result(PreparedStatement st) throws SQLException {
        return result(st.executeQuery());
    }

    private static QueryResult result(ResultSet query) throws SQLException {
        try (ResultSet rs = query) {
            ResultSetMetaData meta = rs.getMetaData();
            List<String> columns = new ArrayList<>();
            for (int c = 1; c <= meta.getColumnCount(); c++) {
                columns.add(meta.getColumnLabel(c).toLowerCase(Locale.ROOT));
            }
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                List<Object> row = new ArrayList<>(columns.size());
                for (int c = 1; c <= columns.size(); c++) {
                    Object value = rs.getObject(c);
                    row.add(value instanceof java.sql.Timestamp || value instanceof OffsetDateTime
                            ? rs.getObject(c, OffsetDateTime.class) : value);
                }
                rows.add(row);
            }
            return new QueryResult(columns, rows);
        }
    }
}
