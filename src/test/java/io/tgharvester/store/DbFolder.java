package io.tgharvester.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Flyway locations for the migration files in db/ themselves (not a build's copies, which can keep a file that was
 * renamed or removed). H2's migrations are db/'s top level; db/postgresql holds PostgreSQL's and db/quartz Quartz's
 * tables. Flyway scans a location's subfolders too, so H2's are read from a copy of the top level alone.
 */
final class DbFolder {
    private DbFolder() {
    }

    /** A Flyway location holding exactly db/'s top-level migrations, copied into {@code scratch}. */
    static String h2Location(Path scratch) {
        try (Stream<Path> files = Files.list(Path.of("db"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, scratch.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "filesystem:" + scratch.toAbsolutePath();
    }

    /** PostgreSQL's migrations, as in db/postgresql. */
    static final String POSTGRESQL = "filesystem:db/postgresql";

    /** Quartz's tables, as in db/quartz. */
    static final String QUARTZ = "filesystem:db/quartz";
}
