package io.tgharvester.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tgharvester.config.DatabaseSettings;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.config.Redaction;
import org.h2.api.ErrorCode;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.mvstore.MVStore;
import org.h2.util.StringUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The harvest's database, migrated by Flyway on open: the embedded H2 database in the data dir (AUTO_SERVER lets
 * {@code status} and {@code sql} read it while a daemon holds it open; the launcher binds that server to loopback), or
 * a PostgreSQL database that several harvester nodes share (harvester.db.url), through a HikariCP pool.
 */
public final class Database implements AutoCloseable {
    static final String FILE_NAME = "harvester";
    static final String ADMIN = "harvester";
    static final String READER = "READER";
    private static final String LEGACY_READER_PASSWORD = "reader";

    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private static final Duration LOCK_WAIT = Duration.ofSeconds(30);

    /** PostgreSQL's codes for a transaction it ended to break a deadlock or a conflict: worth running again. */
    private static final Set<String> RUN_AGAIN = Set.of("40P01", "40001");
    private static final int WRITE_TURN_ATTEMPTS = 5;
    /** Connections of the data dir's pool: as many as H2's own pool lent. */
    private static final int H2_POOL_SIZE = 10;
    /**
     * Each H2 session keeps this many parsed statements (H2's default is 8). One analysis parsed and recorded uses more
     * than 8 distinct statements, and the pool's connections serve every thread, so the default kept almost none.
     */
    private static final String QUERY_CACHE = ";QUERY_CACHE_SIZE=64";

    private final DataSource pool;
    private final Runnable closePool;
    private final boolean shared;
    private final ReentrantLock sampleWrites = new ReentrantLock();

    /**
     * The owner's first connection, kept open as long as this Database: H2 closes a database when its last connection
     * closes, and whoever opened the file next (a {@code status} beside a starting daemon) would then hold its lock.
     */
    private final Optional<Connection> held;
    /** The data dir's database as its owner opened it: its writers take turns (see {@link SerialWrites}). */
    private final Optional<SerialWrites> serialWrites;

    private Database(JdbcConnectionPool pool, Optional<Connection> held) {
        this(pool, pool::dispose, false, held, Optional.empty());
    }

    private Database(DataSource pool, Runnable closePool, boolean shared, Optional<Connection> held,
                     Optional<SerialWrites> serialWrites) {
        this.pool = pool;
        this.closePool = closePool;
        this.shared = shared;
        this.held = held;
        this.serialWrites = serialWrites;
    }

    /** Opens (creating and migrating as needed) the database {@code settings} name: a server's, or the data dir's. */
    public static Database open(Path dataDir, DatabaseSettings settings) {
        if (!settings.shared()) {
            return open(dataDir);
        }
        HikariDataSource pool = pool(settings, false);
        try {
            SchemaMigration.migrate(pool, SchemaMigration.POSTGRESQL, "the PostgreSQL database " + server(settings));
            return new Database(pool, pool::close, true, Optional.empty(), Optional.empty());
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** The database a configuration names (harvester.db.*, else the data dir's H2), opened and migrated as needed. */
    public static Database open(HarvesterConfig config) {
        return open(config.dataDir(), config.database());
    }

    /** The database a configuration names, for reading. */
    public static Database openReadOnly(HarvesterConfig config) {
        return openReadOnly(config.dataDir(), config.database());
    }

    /** The database {@code settings} name for reading: a server's (read-only connections), or the data dir's. */
    public static Database openReadOnly(Path dataDir, DatabaseSettings settings) {
        if (!settings.shared()) {
            return openReadOnly(dataDir);
        }
        HikariDataSource pool = pool(settings, true);
        return new Database(pool, pool::close, true, Optional.empty(), Optional.empty());
    }

    /**
     * A pool of the server's connections that fails at once, with the server's reason on one line, when it cannot
     * connect (a wrong password, no such database, nothing listening).
     */
    private static HikariDataSource pool(DatabaseSettings settings, boolean readOnly) {
        HikariConfig config = poolConfig(settings.url().orElseThrow(), settings.user(), settings.password(),
                settings.poolSize(), "tg-harvester-" + (readOnly ? "reader" : "db"));
        config.setReadOnly(readOnly);
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new StoreException("cannot connect to the PostgreSQL database " + server(settings) + ": "
                    + Redaction.redact(String.valueOf(root.getMessage())).lines().findFirst().orElse(""));
        }
    }

    /** Where the server is, as it may be shown: the URL without its parameters, which may hold the password. */
    private static String server(DatabaseSettings settings) {
        return Redaction.configValue("harvester.db.url", settings.url().orElseThrow()).replaceAll("\\?.*", "");
    }

    /** Whether several nodes may be working on this database (PostgreSQL's), not this process alone. */
    public boolean shared() {
        return shared;
    }

    /** Opens (creating and migrating as needed) the embedded H2 database of a data dir. */
    public static Database open(Path dataDir) {
        createPrivateDirectory(dataDir);
        DatabaseSecrets secrets = DatabaseSecrets.loadOrCreate(dataDir);
        String url = url(dataDir, "");
        long giveUp = System.nanoTime() + LOCK_WAIT.toNanos();
        while (true) {
            // One connection held throughout, so H2 opens the file once rather than once per step; only opening it
            // can meet a dead process's lock, as Flyway's connections and the pool's then join the open database.
            Connection owner = null;
            try {
                owner = ownerConnection(url, secrets);
                Optional<MVStore> saved = SerialWrites.takeOverSaving(owner);
                boolean created = !SchemaMigration.migratedBefore(owner);
                SchemaMigration.migrate(url, ADMIN, secrets.admin(), "the database in " + dataDir.toAbsolutePath());
                setReaderPassword(owner, url, secrets, created);
                HikariDataSource pool = ownerPool(url, secrets.admin());
                SerialWrites serialWrites = new SerialWrites(saved);
                return new Database(pool, () -> {
                    serialWrites.close();
                    pool.close();
                }, false, Optional.of(owner), Optional.of(serialWrites));
            } catch (SQLException | RuntimeException e) {
                closeQuietly(owner);
                if (e instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (!lockedForAMoment(e) || System.nanoTime() > giveUp) {
                    throw new StoreException("cannot open the database", e);
                }
                log.info("event=database-lock-wait detail=\"another process opened or left this data dir moments ago;"
                        + " waiting for H2 to release its lock\"");
                sleep(Duration.ofMillis(500));
            }
        }
    }

    /**
     * The owner's pool of connections to the data dir's database. HikariCP, not H2's own pool: that one rolls each
     * connection back as it is lent and as it comes back, and H2 empties a session's cache of prepared statements at
     * every rollback, so each statement of the harvest was parsed and planned anew (a third of the parse thread's
     * samples in a profile of scripts/bench backlog were H2 parsing SQL; see also {@link #QUERY_CACHE}).
     */
    private static HikariDataSource ownerPool(String url, String password) {
        HikariConfig config = poolConfig(url, ADMIN, password, H2_POOL_SIZE, "tg-harvester-h2");
        config.setMinimumIdle(1);
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("cannot open the database", e);
        }
    }

    /** What every pool of ours is: its database and login, its size, its name, and how long a borrower waits. */
    private static HikariConfig poolConfig(String url, String user, String password, int size, String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(size);
        config.setPoolName(name);
        config.setConnectionTimeout(LOCK_WAIT.toMillis());
        return config;
    }

    /**
     * The admin's connection. A database made before the secrets existed has an empty admin password: it gets the
     * secret one, so the admin login is the data dir owner's alone from then on.
     */
    private static Connection ownerConnection(String url, DatabaseSecrets secrets) throws SQLException {
        try {
            return DriverManager.getConnection(url, ADMIN, secrets.admin());
        } catch (SQLException e) {
            if (e.getErrorCode() != ErrorCode.WRONG_USER_OR_PASSWORD) {
                throw e;
            }
            Connection conn = DriverManager.getConnection(url, ADMIN, "");
            try (Statement st = conn.createStatement()) {
                st.executeUpdate("ALTER USER " + ADMIN + " SET PASSWORD " + StringUtils.quoteStringSQL(secrets.admin()));
            } catch (SQLException alter) {
                conn.close();
                throw alter;
            }
            log.info("event=database-passwords-set detail=\"the database users now have private passwords\"");
            return conn;
        }
    }

    /**
     * The read-only user starts with V3's known password; give it the secret one, once. On a database this open has
     * just created, at once: H2 answers a login with a wrong password only after 250 ms, on purpose. Otherwise the
     * login is tried first, which keeps every later open from taking the exclusive lock a password change needs while
     * readers are connected.
     */
    private static void setReaderPassword(Connection owner, String url, DatabaseSecrets secrets, boolean created)
            throws SQLException {
        if (!created) {
            try {
                DriverManager.getConnection(url, READER, secrets.reader()).close();
                return;
            } catch (SQLException e) {
                if (e.getErrorCode() != ErrorCode.WRONG_USER_OR_PASSWORD) {
                    throw e;
                }
            }
        }
        try (Statement st = owner.createStatement()) {
            st.executeUpdate("ALTER USER " + READER + " SET PASSWORD " + StringUtils.quoteStringSQL(secrets.reader()));
        }
    }

    /**
     * H2's lock held for a moment, worth waiting out. Its lock file outlives a process killed with SIGKILL, and H2
     * refuses to open the database until the file has gone quiet for a few seconds ("recently modified", or "locked
     * by another process" while the dead process's auto-server address is still in it); restarting right after a
     * crash is normal for a supervised daemon. And two processes opening the file at the same instant, such as
     * {@code status} beside a starting daemon, leave one with "Another process was faster". A live holder causes
     * neither once it is up: AUTO_SERVER connects to it instead.
     */
    private static boolean lockedForAMoment(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && (sql.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1
                    || sql.getErrorCode() == ErrorCode.ERROR_OPENING_DATABASE_1
                    && (String.valueOf(sql.getMessage()).contains("Lock file recently modified")
                    || String.valueOf(sql.getMessage()).contains("Another process was faster")))) {
                return true;
            }
        }
        return false;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the database lock");
        }
    }

    /** Opens an existing database as the read-only user, or fails with a clear message if there is none. */
    public static Database openReadOnly(Path dataDir) {
        if (!exists(dataDir)) {
            throw new StoreException("no harvester database in " + dataDir.toAbsolutePath()
                    + ": run `tg-harvester run --once` (or the demo) first, or point harvester.data-dir at it");
        }
        return new Database(JdbcConnectionPool.create(readerUrl(dataDir), READER, readerPassword(dataDir)),
                Optional.empty());
    }

    /** The read-only user's password: the data dir's secret, or V3's for a database no newer harvester opened. */
    static String readerPassword(Path dataDir) {
        return DatabaseSecrets.load(dataDir).map(DatabaseSecrets::reader).orElse(LEGACY_READER_PASSWORD);
    }

    /** An admin connection, for tools and tests that write rows directly; harvesting code uses the store classes. */
    public Connection ownerConnection() throws SQLException {
        return connection();
    }

    /** The URL the read-only user opens an existing database by (never creating one). */
    static String readerUrl(Path dataDir) {
        return url(dataDir, ";IFEXISTS=TRUE");
    }

    public static boolean exists(Path dataDir) {
        return Files.exists(dataDir.resolve(FILE_NAME + ".mv.db"));
    }

    DataSource dataSource() {
        return pool;
    }

    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /**
     * A transaction that waits for the other writers of samples in this process to finish theirs: each changes the
     * per-login totals through V10's triggers, which concurrent transactions could lock in opposite orders (a
     * deadlock). Other nodes' writers cannot wait on this lock: when PostgreSQL breaks such a deadlock by ending one of
     * the transactions, that one runs again.
     */
    <T> T inWriteTurn(String failure, SqlWork<T> work) {
        sampleWrites.lock();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return inTransaction(failure, work);
                } catch (StoreException e) {
                    if (attempt == WRITE_TURN_ATTEMPTS || !(e.getCause() instanceof SQLException sql
                            && RUN_AGAIN.contains(sql.getSQLState()))) {
                        throw e;
                    }
                    log.debug("event=transaction-run-again attempt={} reason=\"{}\"", attempt, sql.getMessage());
                }
            }
        } finally {
            sampleWrites.unlock();
        }
    }

    /** Runs {@code work} in one transaction, in its turn: all of it is stored, or none. */
    <T> T inTransaction(String failure, SqlWork<T> work) {
        return writing(() -> {
            try (Connection conn = connection()) {
                conn.setAutoCommit(false);
                try {
                    T result = work.run(conn);
                    conn.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    conn.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                throw new StoreException(failure, e);
            }
        });
    }

    /** Runs {@code work}, which writes, on a connection of its own (autocommit), in its turn. */
    <T> T withWritingConnection(String failure, SqlWork<T> work) {
        return writing(() -> withConnection(failure, work));
    }

    private <T> T writing(Supplier<T> write) {
        return serialWrites.isPresent() ? serialWrites.get().inTurn(write) : write.get();
    }

    /**
     * Runs the reads of {@code work} on one snapshot of the whole database, so that several queries agree with each
     * other as the parts of one statement do, whatever a writer commits meanwhile.
     */
    <T> T inSnapshot(String failure, SqlWork<T> work) {
        try (Connection conn = connection()) {
            int isolation = conn.getTransactionIsolation();
            conn.setAutoCommit(false);
            conn.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            try {
                return work.run(conn);
            } finally {
                conn.rollback();
                conn.setTransactionIsolation(isolation);
                conn.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException(failure, e);
        }
    }

    /** Runs {@code work}, which only reads, on a connection of its own (autocommit). */
    <T> T withConnection(String failure, SqlWork<T> work) {
        try (Connection conn = connection()) {
            return work.run(conn);
        } catch (SQLException e) {
            throw new StoreException(failure, e);
        }
    }

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection conn) throws SQLException;
    }

    @Override
    public void close() {
        closePool.run();
        held.ifPresent(Database::closeQuietly);
    }

    private static void closeQuietly(Connection conn) {
        if (conn == null) {
            return;
        }
        try {
            conn.close();
        } catch (SQLException e) {
            log.debug("event=database-close-failed error=\"{}\"", e.getMessage());
        }
    }

    static String url(Path dataDir, String extra) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve(FILE_NAME) + ";AUTO_SERVER=TRUE" + QUERY_CACHE
                + extra;
    }

    /** Owner-only: the database and artifacts describe the organization's malware submissions. */
    public static void createPrivateDirectory(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + dir.toAbsolutePath(), e);
        }
    }
}
