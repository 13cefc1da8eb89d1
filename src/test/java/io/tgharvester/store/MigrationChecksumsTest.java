package io.tgharvester.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Committed migrations are frozen: every data dir that applied one recorded its checksum, and a build whose file
 * differs cannot open that data dir. The pins in {@link #PINS} hold each committed migration to its checksum.
 */
class MigrationChecksumsTest {
    private static final Path PINS = Path.of("src/test/resources/migration-checksums.txt");

    /** The migrations in db/ (the files themselves, not a build's copies) as Flyway resolves them, by file name. */
    private static Map<String, MigrationInfo> migrationsInDb(Path scratch) {
        MigrationInfo[] all = Flyway.configure().dataSource("jdbc:h2:mem:", "sa", "")
                .locations(DbFolder.h2Location(scratch)).load().info().all();
        Map<String, MigrationInfo> byScript = new LinkedHashMap<>();
        Arrays.stream(all).forEach(m -> byScript.put(m.getScript(), m));
        return byScript;
    }

    /** File name -> Flyway checksum, as pinned. */
    private static Map<String, Integer> pins() throws IOException {
        Map<String, Integer> pins = new LinkedHashMap<>();
        for (String line : Files.readAllLines(PINS)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] fields = line.strip().split("\\s+");
                pins.put(fields[0], Integer.valueOf(fields[1]));
            }
        }
        return pins;
    }

    private static MigrationVersion version(String script) {
        return MigrationVersion.fromVersion(script.substring(1, script.indexOf("__")));
    }

    @Test
    void everyPinnedMigrationIsInDbUnchanged(@TempDir Path scratch) throws IOException {
        Map<String, MigrationInfo> inDb = migrationsInDb(scratch);
        List<String> problems = new ArrayList<>();
        pins().forEach((script, pinned) -> {
            MigrationInfo migration = inDb.get(script);
            if (migration == null) {
                problems.add("db/" + script + " is gone (renamed or removed)");
            } else if (!Objects.equals(pinned, migration.getChecksum())) {
                problems.add("db/" + script + " was changed (Flyway checksum pinned " + pinned + ", now "
                        + migration.getChecksum() + ")");
            }
        });

        assertTrue(problems.isEmpty(), () -> String.join("\n", problems) + "\nA committed migration is frozen: data"
                + " dirs that applied it refuse to open when its file differs. Restore it as committed and add a new"
                + " V<n>__ migration instead.");
    }

    @Test
    void everyMigrationInDbIsPinnedAndNumberedAboveTheCommittedOnes(@TempDir Path scratch) throws IOException {
        Map<String, Integer> pins = pins();
        MigrationVersion newestPinned = pins.keySet().stream().map(MigrationChecksumsTest::version)
                .max(MigrationVersion::compareTo).orElse(MigrationVersion.EMPTY);
        String next = "V" + newestPinned.getMajor().add(BigInteger.ONE);
        List<String> problems = new ArrayList<>();
        migrationsInDb(scratch).forEach((script, migration) -> {
            if (pins.containsKey(script)) {
                return;
            }
            if (!migration.getVersion().isNewerThan(newestPinned)) {
                problems.add("db/" + script + " is numbered at or below V" + newestPinned + ", the newest committed"
                        + " migration: data dirs already past it would refuse it. Number it " + next + " or later.");
            } else {
                problems.add("db/" + script + " is not pinned. Once committed it is frozen: add this line to " + PINS
                        + "\n" + script + " " + migration.getChecksum());
            }
        });

        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }
}
