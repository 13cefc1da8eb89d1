package io.tgharvester.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.config.DatabaseSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code sql}'s user queries on a real PostgreSQL database, as the configured login: {@link QueryText} lets one read
 * statement through, and PostgreSQL's read-only transaction refuses every write hidden inside one.
 */
class PostgresUserQueryTest {
    /** Everything a refused query might have changed: row counts, a sample's state, the sequence, the tables. */
    private static final String STATE = """
            SELECT (SELECT COUNT(*) FROM samples), (SELECT MAX(state) FROM samples), (SELECT COUNT(*) FROM job_runs),
                   (SELECT COUNT(*) FROM user_totals), (SELECT last_value FROM probe_sequence),
                   (SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public')""";

    @TempDir
    static Path dataDir;
    private static LoopbackPostgres postgres;
    private static Database reader;

    @BeforeAll
    static void startPostgresWithOneSample() throws Exception {
        postgres = LoopbackPostgres.start();
        try (Database db = Database.open(dataDir, postgres.settings("node-a")); Connection conn = db.ownerConnection();
             Statement st = conn.createStatement()) {
            st.executeUpdate("""
                    INSERT INTO samples (id, state, filename, first_seen_at, last_checked_at)
                    VALUES ('0123456789abcdef0123456789abcdef', 'succ', 'invoice.exe', CURRENT_TIMESTAMP,
                            CURRENT_TIMESTAMP)""");
            st.executeUpdate("CREATE SEQUENCE probe_sequence");
        }
        reader = Database.openReadOnly(dataDir, onePooledConnection(postgres.user()));
    }

    /** The settings for {@code user}, with a pool of one: each query meets what the one before left behind. */
    private static DatabaseSettings onePooledConnection(String user) {
        DatabaseSettings settings = postgres.settings("node-a");
        return new DatabaseSettings(settings.url(), user, "", 1, settings.nodeId(), Duration.ofMinutes(2));
    }

    @AfterAll
    static void stop() throws Exception {
        if (reader != null) {
            reader.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private static List<List<Object>> state() {
        return new Queries(reader).userQuery(STATE).rows();
    }

    /** The message {@code sql} is refused with, once it is clear the database is as it was before. */
    private static String refusedLeavingAllAsItWas(String sql) {
        List<List<Object>> before = state();
        StoreException e = assertThrows(StoreException.class, () -> new Queries(reader).userQuery(sql));
        assertEquals(before, state(), "nothing changed");
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void runsAReadQuery() {
        QueryResult result = new Queries(reader).userQuery(
                "SELECT COUNT(*) AS n, 'a;b' AS s FROM samples WHERE filename <> 'x;y';");

        assertEquals(List.of("n", "s"), result.columns());
        assertEquals(List.of(List.of(1L, "a;b")), result.rows());
    }

    /**
     * Each starts as a read and is one statement, so the statement check lets it through; PostgreSQL refuses the
     * write inside it in the read-only transaction.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "WITH d AS (DELETE FROM samples RETURNING 1) SELECT * FROM d",
        "WITH u AS (UPDATE samples SET state = 'fail' RETURNING 1) SELECT COUNT(*) FROM u",
        "WITH i AS (INSERT INTO job_runs (job) VALUES ('x') RETURNING 1) SELECT * FROM i",
        "SELECT nextval('probe_sequence')",
        "SELECT user_totals_add('mallory', 1, 0, 0, 0, CURRENT_TIMESTAMP)",
        "SELECT * FROM samples FOR UPDATE",
        "EXPLAIN ANALYZE DELETE FROM samples",
        "SELECT lo_create(4242)"})
    void aWriteInsideAReadIsRefusedByTheReadOnlyTransaction(String sql) {
        String message = refusedLeavingAllAsItWas(sql);

        assertTrue(message.startsWith("refused: sql only reads, and the database does not allow this query (ERROR:"
                + " cannot execute "), message);
        assertTrue(message.contains("in a read-only transaction"), message);
    }

    /** A read may turn the session's default to read-write: the transaction it runs in stays read-only all the same. */
    @Test
    void turningTheSessionsDefaultToReadWriteLeavesTheNextQueryReadOnly() {
        Queries queries = new Queries(reader);
        assertEquals(List.of(List.of("off")),
                queries.userQuery("SELECT set_config('default_transaction_read_only', 'off', false)").rows());

        String message = refusedLeavingAllAsItWas("WITH d AS (DELETE FROM samples RETURNING 1) SELECT * FROM d");

        assertTrue(message.contains("in a read-only transaction"), message);
    }

    /**
     * PostgreSQL reads quotes that H2 does not: an escape string's {@code \'} and a {@code $tag$} string hide a ';'
     * from the statement check that PostgreSQL sees. The COMMIT after it would end the read-only transaction.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT E'\\'' ; COMMIT; DELETE FROM samples; --'",
        "SELECT $q$'$q$ ; COMMIT; DELETE FROM samples; --'",
        "SELECT 1 AS \"$a$\", $a$'$a$ ; COMMIT; SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE; --'"})
    void aStatementHiddenBehindAPostgresQuoteIsRefused(String sql) {
        assertEquals("one query at a time: remove the ';' separated statements", refusedLeavingAllAsItWas(sql));
    }

    @Test
    void aFailingQueryIsOneLine() {
        String message = refusedLeavingAllAsItWas("SELECT *\nFORM samples");

        assertTrue(message.startsWith("query failed: ERROR: syntax error at or near \"FORM\""), message);
    }

    /**
     * The operator's stronger choice for SQL tools: a login granted tg_harvester_reader (db/postgresql/V3) reads the
     * harvest, and neither a server file nor Quartz's tables; its refusals read as the read-only transaction's do.
     */
    @Test
    void aLoginGrantedTheReaderRoleReadsTheHarvestAndIsRefusedServerFiles() throws SQLException {
        try (Database owner = Database.open(dataDir, postgres.settings("node-a")); Connection conn = owner.ownerConnection();
             Statement st = conn.createStatement()) {
            st.executeUpdate("CREATE ROLE analyst LOGIN IN ROLE tg_harvester_reader");
        }
        try (Database analyst = Database.openReadOnly(dataDir, onePooledConnection("analyst"))) {
            Queries queries = new Queries(analyst);
            assertEquals(List.of(List.of(1L)), queries.userQuery("SELECT COUNT(*) FROM samples").rows());
            for (String sql : List.of("SELECT pg_read_file('PG_VERSION')", "SELECT * FROM quartz.qrtz_locks")) {
                StoreException e = assertThrows(StoreException.class, () -> queries.userQuery(sql));
                assertTrue(e.getMessage().startsWith("refused: sql only reads, and the database does not allow this"
                        + " query (ERROR: permission denied for "), e.getMessage());
            }
        }
    }
}
