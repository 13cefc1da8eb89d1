package io.tgharvester.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueriesTest {
    @TempDir
    Path dataDir;

    @BeforeEach
    void createDatabase() {
        Database.open(dataDir).close();
    }

    @Test
    void runsAReadQueryThroughTheReadOnlyUser() {
        try (Database db = Database.openReadOnly(dataDir)) {
            QueryResult result = new Queries(db).userQuery(
                    "SELECT COUNT(*) AS n, 'a;b' AS s FROM samples WHERE filename <> 'x;y';");
            assertEquals(List.of("n", "s"), result.columns());
            assertEquals(List.of(List.of(0L, "a;b")), result.rows());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "DELETE FROM samples",
        "DROP TABLE samples",
        "SELECT 1; DROP TABLE samples",
        "CALL CSVWRITE('/tmp/tg-out.csv', 'SELECT 1')",
        "SCRIPT TO '/tmp/tg-dump.sql'",
        "RUNSCRIPT FROM '/tmp/tg-dump.sql'",
        "CREATE ALIAS EXEC FOR 'java.lang.Runtime.exec'",
        "INSERT INTO job_runs (job) VALUES ('x')"})
    void refusesAnythingButOneReadQuery(String sql) {
        try (Database db = Database.openReadOnly(dataDir)) {
            assertThrows(StoreException.class, () -> new Queries(db).userQuery(sql));
        }
        try (Database db = Database.open(dataDir)) {
            assertEquals(List.of(List.of(0L)), new Queries(db).userQuery("SELECT COUNT(*) FROM job_runs").rows());
            assertEquals(List.of(List.of(16L)), new Queries(db).userQuery(
                    "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'").rows(),
                    "the fifteen tables of V1 to V5 and the user_stats view are all still there");
        }
    }

    @Test
    void theReaderCannotWriteOrReadFilesEvenWithAQueryThatLooksLikeOne() {
        try (Database db = Database.openReadOnly(dataDir)) {
            StoreException e = assertThrows(StoreException.class,
                    () -> new Queries(db).userQuery("SELECT FILE_READ('/etc/hostname') FROM DUAL"));
            assertTrue(e.getMessage().toLowerCase().contains("right") || e.getMessage().contains("admin"),
                    e.getMessage());
        }
        assertTrue(Files.notExists(Path.of("/tmp/tg-out.csv")));
    }

    @Test
    void readingADataDirWithoutADatabaseSaysWhatToDo(@TempDir Path empty) {
        StoreException e = assertThrows(StoreException.class, () -> Database.openReadOnly(empty));
        assertTrue(e.getMessage().contains("run --once"), e.getMessage());
    }
}
