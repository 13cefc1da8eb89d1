package io.tgharvester.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;

/**
 * Brings a data dir's database forward to this build's schema (Flyway, {@code db/V<n>__*.sql}), or refuses it with
 * one line that says what happened and what to do. Flyway's own messages span many lines and advise
 * {@code flyway repair}, which a harvester's user has no reason to run on a harvest, so they stay in this package.
 */
final class SchemaMigration {
    private static final String LOCATION = "classpath:db/migration";
    /** PostgreSQL's own migrations: the same versions as H2's, translated where the SQL differs. */
    static final String POSTGRESQL = "classpath:db/postgresql";
    /** Quartz's tables for its clustered JobStore, in their own schema with their own history. */
    private static final String QUARTZ = "classpath:db/quartz";
    static final String QUARTZ_SCHEMA = "quartz";
    private static final String HISTORY = "flyway_schema_history";
    private static final int RELEASED_V12 = 1838845415;
    private static final int INTERIM_V12 = 1396673357;
    private static final Set<MigrationState> NEWER = EnumSet.of(MigrationState.FUTURE_SUCCESS,
            MigrationState.FUTURE_FAILED);
    private static final Set<MigrationState> UNKNOWN = EnumSet.of(MigrationState.MISSING_SUCCESS,
            MigrationState.MISSING_FAILED);

    private SchemaMigration() {
    }

    /**
     * Applies this build's pending migrations, or throws {@link StoreException}: before any change when the database
     * must not be migrated, or when a migration breaks off.
     */
    static void migrate(String url, String user, String password, String database) {
        acceptInterimV12(url, user, password, database);
        migrate(Flyway.configure().dataSource(url, user, password).locations(LOCATION).load(), database);
    }

    /**
     * V12 as builds of 2026-11-30 between two commits wrote it already held what V17 adds (analyzers.scanned_to and
     * two indexes), and its checksum differs from the released V12's. A data dir those builds made is not refused as
     * changed: its history gets the released checksum, and V17 (IF NOT EXISTS) leaves its schema as it is.
     */
    private static void acceptInterimV12(String url, String user, String password, String database) {
        try (Connection conn = DriverManager.getConnection(url, user, password)) {
            if (!migratedBefore(conn)) {
                return;
            }
            try (PreparedStatement st = conn.prepareStatement("UPDATE \"" + HISTORY + "\" SET \"checksum\" = ?"
                    + " WHERE \"version\" = '12' AND \"checksum\" = ?")) {
                st.setInt(1, RELEASED_V12);
                st.setInt(2, INTERIM_V12);
                st.executeUpdate();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the schema history of " + database, e);
        }
    }

    /** Whether this database has been migrated before: false for one just created. */
    static boolean migratedBefore(Connection conn) throws SQLException {
        try (ResultSet history = conn.getMetaData().getTables(null, null, HISTORY, null)) {
            return history.next();
        }
    }

    /** As for H2, on a PostgreSQL database: the harvest's schema, then Quartz's in a schema of its own. */
    static void migrate(DataSource server, String location, String database) {
        migrate(Flyway.configure().dataSource(server).locations(location).load(), database);
        migrate(Flyway.configure().dataSource(server).schemas(QUARTZ_SCHEMA).locations(QUARTZ).load(),
                "the Quartz tables of " + database);
    }

    private static void migrate(Flyway flyway, String database) {
        MigrationInfoService info;
        try {
            info = flyway.info();
        } catch (FlywayException e) {
            throw failure("cannot read the schema history of " + database + ": " + reason(e), e);
        }
        Optional<String> refused = refusal(info.all(), database);
        if (refused.isPresent()) {
            throw new StoreException(refused.get());
        }
        try {
            flyway.migrate();
        } catch (FlywayException e) {
            // H2 commits each DDL statement, so a migration that broke off may have changed part of the schema.
            throw failure(info.pending().length == 0 ? "cannot open " + database + ": " + reason(e)
                    : "upgrading " + database + " to schema V" + newestKnown(info.all()) + " failed (" + reason(e)
                    + ") and may have left it half-changed: restore the data dir from a backup made before the"
                    + " upgrade", e);
        }
    }

    /** Why this build must not migrate or use the database, if it must not. */
    private static Optional<String> refusal(MigrationInfo[] all, String database) {
        // Flyway by default tolerates migrations applied by a newer build (ignoreMigrationPatterns "*:future"),
        // which suits a shared database whose migrations are written to stay backward compatible. Ours are not:
        // this build's code has never run on the newer schema, and rows it wrote there could be ones the newer
        // version trusts and never revisits. Refusing loses nothing: the data dir stays as the newer version left it.
        Optional<MigrationInfo> newest = Arrays.stream(all).filter(m -> NEWER.contains(m.getState()))
                .max(Comparator.comparing(MigrationInfo::getVersion));
        if (newest.isPresent()) {
            return Optional.of(database + " was written by a newer tg-harvester (schema V" + newest.get().getVersion()
                    + "; this one knows up to V" + newestKnown(all) + "): run that version or a newer one on it");
        }
        return Arrays.stream(all).map(m -> problem(m, database)).flatMap(Optional::stream).findFirst();
    }

    private static Optional<String> problem(MigrationInfo m, String database) {
        String migration = "migration V" + m.getVersion() + " (" + m.getDescription() + ")";
        if (m.getState() == MigrationState.FAILED) {
            return Optional.of(migration + " failed on " + database + " and may have left it half-changed:"
                    + " restore the data dir from a backup made before the upgrade");
        }
        if (UNKNOWN.contains(m.getState())) {
            return Optional.of(database + " has " + migration + " applied, which this tg-harvester does not have"
                    + " (renamed or removed from db/): run the tg-harvester that applied it");
        }
        if (m.isApplied() && m.getState().isResolved()
                && !(m.isChecksumMatching() && m.isDescriptionMatching() && m.isTypeMatching())) {
            String checksums = m.isChecksumMatching() ? ""
                    : " (checksum " + m.getAppliedChecksum() + " there, " + m.getResolvedChecksum() + " in this build)";
            return Optional.of(migration + " was changed after it was applied to " + database + checksums
                    + ": run a tg-harvester built from the released db/ migrations; a schema change is a new V<n>__"
                    + " migration");
        }
        return Optional.empty();
    }

    private static String newestKnown(MigrationInfo[] all) {
        return Arrays.stream(all).filter(m -> m.getState().isResolved()).map(MigrationInfo::getVersion)
                .max(Comparator.naturalOrder()).map(Object::toString).orElse("0");
    }

    /**
     * What went wrong, on one line: Flyway's headline ("Failed to execute script V8__….sql") and the database's own
     * error, without the SQL text H2 appends or Flyway's pointer to its docs.
     */
    private static String reason(FlywayException e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        if (root == e) {
            return oneLine(e.getMessage());
        }
        return String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ": " + oneLine(root.getMessage());
    }

    private static String oneLine(String message) {
        String text = String.valueOf(message);
        int statement = text.indexOf("; SQL statement:");
        return (statement >= 0 ? text.substring(0, statement) : text).lines().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("Need more flexibility"))
                .collect(Collectors.joining(" "));
    }

    private static StoreException failure(String message, FlywayException cause) {
        StoreException failure = new StoreException(message);
        failure.initCause(cause);
        return failure;
    }
}
