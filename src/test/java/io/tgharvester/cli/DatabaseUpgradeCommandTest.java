package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.store.Database;
import io.tgharvester.store.SchemaHistorySql;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Commands that migrate the database on open refuse a data dir they must not migrate with exit 5 and one line;
 * read-only commands still show what it holds.
 */
class DatabaseUpgradeCommandTest {
    @TempDir
    Path dataDir;

    /** Nothing listens on the discard port: a refused data dir must stop the command before any call. */
    private Map<String, String> env() {
        return Map.of("TG_API_KEY", "k", "TG_BASE_URL", "http://127.0.0.1:9", "TG_DATA_DIR", dataDir.toString());
    }

    private void changeSchemaHistory(String sql) throws SQLException {
        try (Database db = Database.open(dataDir); Connection conn = db.ownerConnection();
             Statement st = conn.createStatement()) {
            st.executeUpdate(sql);
        }
    }

    private static void assertOneLineAndExitFive(CliRun.Result result, String expectedStart) {
        assertEquals(5, result.exitCode(), result.everything());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().startsWith("tg-harvester: " + expectedStart), result.err());
        assertFalse(result.everything().contains("\tat ") || result.everything().contains("FlywayException"),
                "no stack trace, no Flyway internals:\n" + result.everything());
    }

    @ParameterizedTest
    @ValueSource(strings = {"run --once", "reindex"})
    void aMigrationChangedAfterItWasAppliedStopsTheCommandWithExitFiveAndOneLine(String command) throws SQLException {
        changeSchemaHistory(SchemaHistorySql.changedChecksum("3"));

        CliRun.Result result = CliRun.run(env(), command.split(" "));

        assertOneLineAndExitFive(result, "migration V3 (reader) was changed after it was applied to the database in "
                + dataDir.toAbsolutePath() + " (checksum 42 there, ");
    }

    @Test
    void aDataDirFromANewerHarvesterStopsRunOnceWithExitFiveAndOneLineWhileStatusStillReadsIt() throws SQLException {
        changeSchemaHistory(SchemaHistorySql.applied("999", "from the future"));

        CliRun.Result run = CliRun.run(env(), "run", "--once");
        CliRun.Result status = CliRun.run(env(), "status", "--format", "csv");

        assertOneLineAndExitFive(run, "the database in " + dataDir.toAbsolutePath()
                + " was written by a newer tg-harvester (schema V999; this one knows up to V");
        assertEquals(0, status.exitCode(), status.everything());
        assertTrue(status.out().startsWith("state,samples"), status.out());
    }
}
