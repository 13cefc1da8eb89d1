package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** db-server's refusals; serving itself is SqlToolsServerTest's. */
class DbServerCommandTest {
    @TempDir
    Path dataDir;

    private CliRun.Result run(String... args) {
        return CliRun.run(Map.of("TG_DATA_DIR", dataDir.toString()), args);
    }

    @Test
    void withoutAHarvestItSaysWhatToDo() {
        CliRun.Result result = run("db-server", "--pg-port", "0", "--tcp-port", "0");

        assertEquals(5, result.exitCode());
        assertTrue(result.err().contains("no harvester database in"), result.err());
    }

    @Test
    void onPostgreSqlItRefusesWithOneLineNamingTheServerAsTheToolsOwnConnection() throws Exception {
        CliRun.Result result = CliRun.run(Map.of("TG_DATA_DIR", dataDir.toString(),
                "TG_DB_URL", "jdbc:postgresql://127.0.0.1:5432/tgharvester"), "db-server", "--pg-port", "0",
                "--tcp-port", "0");

        assertEquals(2, result.exitCode(), result.err());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().contains("db-server serves the embedded H2 database only")
                && result.err().contains("psql, DBeaver and JDBC tools connect to directly")
                && result.err().contains("tg_harvester_reader"), result.err());
        assertTrue(result.out().isEmpty(), result.out());
        try (var left = Files.list(dataDir)) {
            assertEquals(0, left.count(), "nothing created in the data dir");
        }
    }

    @Test
    void portsOutOfRangeAreUsageErrorsAndHelpNamesTheClients() {
        assertEquals(2, run("db-server", "--pg-port", "70000").exitCode());
        CliRun.Result help = run("db-server", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("--pg-port") && help.out().contains("--tcp-port") && help.out().contains("psql"),
                help.out());
    }
}
