package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void portsOutOfRangeAreUsageErrorsAndHelpNamesTheClients() {
        assertEquals(2, run("db-server", "--pg-port", "70000").exitCode());
        CliRun.Result help = run("db-server", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("--pg-port") && help.out().contains("--tcp-port") && help.out().contains("psql"),
                help.out());
    }
}
