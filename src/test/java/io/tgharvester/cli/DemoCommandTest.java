package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    @TempDir
    Path dir;

    private int demo(Path dataDir, StringWriter out, StringWriter err, String minutes) {
        return Main.run(Map.of("TG_LOG_LEVEL", "WARN"), new PrintWriter(out, true), new PrintWriter(err, true),
                "demo", "--minutes", minutes, "--set", "harvester.data-dir=" + dataDir);
    }

    @Test
    void theDemoHarvestsTheSimulatorUntilEverySucceededSampleHasItsFourArtifacts() throws Exception {
        Path dataDir = dir.resolve("data");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = demo(dataDir, out, err, "0.15");

        assertEquals(0, code, out + "\n" + err);
        assertTrue(out.toString().contains("Demo summary: samples"), out.toString());
        assertTrue(out.toString().contains("Per-user statistics"), out.toString());
        try (Database db = Database.open(dataDir)) {
            Queries queries = new Queries(db);
            long succeeded = ((Number) queries.userQuery("SELECT COUNT(*) FROM samples WHERE state = 'succ'")
                    .rows().get(0).get(0)).longValue();
            assertTrue(succeeded > 5, "the demo's history alone has a dozen samples: " + succeeded);
            assertEquals(0, queries.succeededWithoutAllArtifacts(4));
            assertEquals(List.of(List.of(0L)), queries.userQuery(
                    "SELECT COUNT(*) FROM samples WHERE state NOT IN ('succ', 'fail')").rows());
            try (Stream<Path> files = Files.walk(dataDir.resolve("artifacts"))) {
                assertEquals(succeeded * 4, files.filter(Files::isRegularFile).count());
            }
            assertTrue(out.toString().contains("with all 4 artifacts on disk: " + succeeded + " of " + succeeded),
                    out.toString());
        }
    }

    @Test
    void theDemoNeverTouchesADataDirHoldingARealHarvest() throws Exception {
        Path real = dir.resolve("real");
        Database.open(real).close();
        long before = Files.size(real.resolve("harvester.mv.db"));
        StringWriter err = new StringWriter();

        int code = demo(real, new StringWriter(), err, "0.1");

        assertEquals(2, code);
        assertTrue(err.toString().contains("holds a harvest the demo did not make"), err.toString());
        assertEquals(before, Files.size(real.resolve("harvester.mv.db")));
    }
}
