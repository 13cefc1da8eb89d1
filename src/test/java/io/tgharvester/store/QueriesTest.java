package io.tgharvester.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code sql}'s user queries on a real data dir. Two layers refuse what is not one read: {@link QueryText} (the
 * statement check, which says which rule a text broke) and the READER user's rights (db/V3__reader.sql), which
 * refuse a write or a file, link or admin function hidden inside a statement that does start as a read.
 */
class QueriesTest {
    /** Everything a refused query might have changed: row counts, a sample's state, the table list. */
    private static final String STATE = """
            SELECT (SELECT COUNT(*) FROM samples), (SELECT MAX(state) FROM samples), (SELECT COUNT(*) FROM job_runs),
                   (SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC')""";

    /** One database for all tests, as every test leaves it as it was (or fails). */
    @TempDir
    static Path dataDir;
    private static Database reader;

    @BeforeAll
    static void openADatabaseWithOneSample() throws SQLException {
        try (Database db = Database.open(dataDir); Connection conn = db.ownerConnection();
             Statement st = conn.createStatement()) {
            st.executeUpdate("""
                    INSERT INTO samples (id, state, filename, first_seen_at, last_checked_at)
                    VALUES ('0123456789abcdef0123456789abcdef', 'succ', 'invoice.exe', CURRENT_TIMESTAMP,
                            CURRENT_TIMESTAMP)""");
        }
        reader = Database.openReadOnly(dataDir);
    }

    @AfterAll
    static void close() {
        reader.close();
    }

    private static List<List<Object>> state() {
        return new Queries(reader).userQuery(STATE).rows();
    }

    /** The message {@code sql} is refused with, once it is clear the database is as it was before. */
    private static String refusedLeavingAllAsItWas(String sql) {
        List<List<Object>> before = state();
        StoreException e = assertThrows(StoreException.class, () -> new Queries(reader).userQuery(sql));
        try (Database freshLogin = Database.openReadOnly(dataDir)) {
            assertEquals(before, new Queries(freshLogin).userQuery(STATE).rows(),
                    "nothing changed, and the READER still logs in with its password");
        }
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void runsAReadQueryThroughTheReadOnlyUser() {
        QueryResult result = new Queries(reader).userQuery(
                "SELECT COUNT(*) AS n, 'a;b' AS s FROM samples WHERE filename <> 'x;y';");
        assertEquals(List.of("n", "s"), result.columns());
        assertEquals(List.of(List.of(1L, "a;b")), result.rows());
    }

    /** Refused by the statement check: not a read, or more than one statement. */
    @ParameterizedTest
    @ValueSource(strings = {
        "DELETE FROM samples",
        "DROP TABLE samples",
        "SELECT 1; DROP TABLE samples",
        "CALL CSVWRITE('/tmp/tg-out.csv', 'SELECT 1')",
        "CALL LINK_SCHEMA('LINKED', '', 'jdbc:h2:mem:other', 'sa', '', 'PUBLIC')",
        "SCRIPT TO '/tmp/tg-dump.sql'",
        "RUNSCRIPT FROM '/tmp/tg-dump.sql'",
        "CREATE ALIAS EXEC FOR 'java.lang.Runtime.exec'",
        "INSERT INTO job_runs (job) VALUES ('x')",
        "SELECT ';' ; DELETE FROM samples"})
    void refusesAnythingButOneReadQuery(String sql) {
        String message = refusedLeavingAllAsItWas(sql);

        assertTrue(message.startsWith("only read queries are allowed") || message.startsWith("one query at a time"),
                message);
    }

    /**
     * Refused by the READER's rights: each starts as a read and is one statement, so the statement check lets it
     * through, and H2 would run the write inside it (EXPLAIN ANALYZE executes what it explains; OLD, NEW and FINAL
     * TABLE run their DELETE, INSERT, UPDATE or MERGE).
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "EXPLAIN ANALYZE DELETE FROM samples",
        "EXPLAIN ANALYZE UPDATE samples SET state = 'fail'",
        "EXPLAIN ANALYZE INSERT INTO job_runs (job) VALUES ('x')",
        "SELECT * FROM OLD TABLE (DELETE FROM samples)",
        "SELECT * FROM FINAL TABLE (UPDATE samples SET state = 'fail')",
        "SELECT * FROM NEW TABLE (INSERT INTO job_runs (job) VALUES ('x'))",
        "SELECT * FROM FINAL TABLE (MERGE INTO job_runs (job) KEY (job) VALUES ('x'))",
        "WITH gone AS (SELECT 1) SELECT COUNT(*) FROM OLD TABLE (DELETE FROM samples)",
        "SELECT (SELECT COUNT(*) FROM OLD TABLE (DELETE FROM samples))"})
    void aWriteInsideAReadIsRefusedByTheReadersRights(String sql) {
        String message = refusedLeavingAllAsItWas(sql);

        assertTrue(message.startsWith("refused: sql only reads, and the database does not allow this query"
                + " (Not enough rights for object \"PUBLIC."), message);
    }

    /**
     * Refused by the READER's rights: file, link and session functions need an admin. {@code {dir}} is the data
     * dir, whose secrets file would be worth reading and whose database a link could open as another user.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT * FROM CSVREAD('{dir}/.db-secrets')",
        "SELECT FILE_READ('{dir}/.db-secrets')",
        "SELECT FILE_WRITE('x', '{dir}/written.txt')",
        "SELECT CSVWRITE('{dir}/written.csv', 'SELECT * FROM samples')",
        "SELECT * FROM LINK_SCHEMA('LINKED', '', 'jdbc:h2:{dir}/linked', 'sa', '', 'PUBLIC')",
        "SELECT * FROM LINK_SCHEMA('LINKED', '', 'jdbc:h2:{dir}/harvester', 'harvester', '', 'PUBLIC')",
        "SELECT ABORT_SESSION(1)"})
    void filesLinksAndAdminFunctionsAreRefusedByTheReadersRights(String template) throws Exception {
        String sql = template.replace("{dir}", dataDir.toAbsolutePath().toString());
        String secrets = Files.readString(dataDir.resolve(DatabaseSecrets.FILE));
        List<Path> files = files();

        String message = refusedLeavingAllAsItWas(sql);

        assertTrue(message.startsWith("refused: sql only reads, and the database does not allow this query"
                + " (Admin rights are required"), message);
        assertEquals(files, files(), "no file was written or created");
        assertEquals(secrets, Files.readString(dataDir.resolve(DatabaseSecrets.FILE)));
    }

    private static List<Path> files() throws Exception {
        try (var walk = Files.list(dataDir)) {
            return walk.filter(p -> !p.getFileName().toString().endsWith(".lock.db")).sorted().toList();
        }
    }

    /**
     * Refused by the statement check, which reads comments as H2 does. A quote inside a comment once hid the ';'
     * from it while H2 ran the statement after it; the READER's rights cannot help there, as a user may always change
     * its own password, and that locked {@code sql}, {@code status} and the reports out.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT 1 /* ' */ ; ALTER USER READER SET PASSWORD 'x' /* ' */",
        "SELECT 1 -- '\n; ALTER USER READER SET PASSWORD 'x' --'",
        "SELECT 1 /* /* */ ' */ ; ALTER USER READER SET PASSWORD 'x' ; SELECT 'y' -- '",
        "SELECT 1 /* ' */ ; DELETE FROM samples /* ' */"})
    void aStatementHiddenBehindAQuoteInACommentIsRefusedAndTheReaderKeepsItsPassword(String sql) {
        assertEquals("one query at a time: remove the ';' separated statements", refusedLeavingAllAsItWas(sql));
    }

    /** Allowed: H2 reads one statement, the ';' inside a quote or a comment. */
    @Test
    void aSemicolonInsideAQuoteOrACommentIsPartOfTheOneQuery() {
        List<List<Object>> before = state();
        Queries queries = new Queries(reader);
        assertEquals(List.of(List.of("a;b")), queries.userQuery("SELECT 'a;b'").rows());
        assertEquals(List.of(List.of(1)), queries.userQuery("SELECT 1 /* ; DELETE FROM samples */").rows());
        assertEquals(List.of(List.of(1)), queries.userQuery("SELECT 1 -- ; DELETE FROM samples").rows());
        assertEquals(before, state());
    }

    @Test
    void aFailingQueryIsOneLineThatQuotesWhereH2StoppedReading() {
        String message = refusedLeavingAllAsItWas("SELECT *\nFORM samples");

        assertTrue(message.startsWith("query failed: Syntax error in SQL statement \"SELECT *")
                && message.contains("[*]FORM samples"), message);
    }

    @Test
    void readingADataDirWithoutADatabaseSaysWhatToDo(@TempDir Path empty) {
        StoreException e = assertThrows(StoreException.class, () -> Database.openReadOnly(empty));
        assertTrue(e.getMessage().contains("run --once"), e.getMessage());
    }
}
