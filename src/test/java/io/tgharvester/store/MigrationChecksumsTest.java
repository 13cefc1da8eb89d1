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
import java.util.function.Function;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Committed migrations are frozen: every database that applied one recorded its checksum, and a build whose file
 * differs cannot open that database. Each folder's pins hold each of its committed migrations to its checksum: H2's
 * (db/), PostgreSQL's (db/postgresql) and Quartz's tables (db/quartz, with a history of their own).
 */
class MigrationChecksumsTest {
    /** One folder of migrations with its own history, and the file its checksums are pinned in. */
    record Folder(String name, Function<Path, String> location, Path pins) {
        @Override
        public String toString() {
            return name + "/";
        }
    }

    static Stream<Folder> folders() {
        return Stream.of(
                new Folder("db", DbFolder::h2Location, Path.of("src/test/resources/migration-checksums.txt")),
                new Folder("db/postgresql", scratch -> DbFolder.POSTGRESQL,
                        Path.of("src/test/resources/migration-checksums-postgresql.txt")),
                new Folder("db/quartz", scratch -> DbFolder.QUARTZ,
                        Path.of("src/test/resources/migration-checksums-quartz.txt")));
    }

    /**
     * The folder's migrations (the files themselves, not a build's copies) as Flyway resolves them, by file name.
     * Resolving reads the files alone, whatever database they are written for.
     */
    private static Map<String, MigrationInfo> migrationsIn(Folder folder, Path scratch) {
        MigrationInfo[] all = Flyway.configure().dataSource("jdbc:h2:mem:", "sa", "")
                .locations(folder.location().apply(scratch)).load().info().all();
        Map<String, MigrationInfo> byScript = new LinkedHashMap<>();
        Arrays.stream(all).forEach(m -> byScript.put(m.getScript(), m));
        return byScript;
    }

    /** File name -> Flyway checksum, as pinned. */
    private static Map<String, Integer> pins(Folder folder) throws IOException {
        Map<String, Integer> pins = new LinkedHashMap<>();
        for (String line : Files.readAllLines(folder.pins())) {
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

    @ParameterizedTest(name = "{0}")
    @MethodSource("folders")
    void everyPinnedMigrationIsInItsFolderUnchanged(Folder folder, @TempDir Path scratch) throws IOException {
        Map<String, MigrationInfo> inFolder = migrationsIn(folder, scratch);
        List<String> problems = new ArrayList<>();
        pins(folder).forEach((script, pinned) -> {
            MigrationInfo migration = inFolder.get(script);
            if (migration == null) {
                problems.add(folder + script + " is gone (renamed or removed)");
            } else if (!Objects.equals(pinned, migration.getChecksum())) {
                problems.add(folder + script + " was changed (Flyway checksum pinned " + pinned + ", now "
                        + migration.getChecksum() + ")");
            }
        });

        assertTrue(problems.isEmpty(), () -> String.join("\n", problems) + "\nA committed migration is frozen:"
                + " databases that applied it refuse to open when its file differs. Restore it as committed and add a"
                + " new V<n>__ migration instead.");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("folders")
    void everyMigrationInItsFolderIsPinnedAndNumberedAboveTheCommittedOnes(Folder folder, @TempDir Path scratch)
            throws IOException {
        Map<String, Integer> pins = pins(folder);
        MigrationVersion newestPinned = pins.keySet().stream().map(MigrationChecksumsTest::version)
                .max(MigrationVersion::compareTo).orElse(MigrationVersion.EMPTY);
        String next = "V" + (newestPinned == MigrationVersion.EMPTY ? BigInteger.ONE
                : newestPinned.getMajor().add(BigInteger.ONE));
        List<String> problems = new ArrayList<>();
        migrationsIn(folder, scratch).forEach((script, migration) -> {
            if (pins.containsKey(script)) {
                return;
            }
            if (!migration.getVersion().isNewerThan(newestPinned)) {
                problems.add(folder + script + " is numbered at or below V" + newestPinned + ", the newest committed"
                        + " migration: databases already past it would refuse it. Number it " + next + " or later.");
            } else {
                problems.add(folder + script + " is not pinned. Once committed it is frozen: add this line to "
                        + folder.pins() + "\n" + script + " " + migration.getChecksum());
            }
        });

        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }
}
