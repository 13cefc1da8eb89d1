package io.tgharvester.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
    @TempDir
    Path dir;

    private static String url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("harvester") + ";AUTO_SERVER=TRUE";
    }

    private static void assertLoginRefused(Path dataDir, String user, String password) {
        SQLException e = assertThrows(SQLException.class,
                () -> DriverManager.getConnection(url(dataDir), user, password).close(), user);
        assertTrue(e.getMessage().contains("Wrong user name or password"), e.getMessage());
    }

    @Test
    void aNewDataDirIsReadableByItsOwnerOnly() throws Exception {
        Path dataDir = dir.resolve("fresh");

        Database.open(dataDir).close();

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDir.resolve(DatabaseSecrets.FILE))));
    }

    @Test
    void theDatabaseUsersHavePrivatePasswordsSoTheLoopbackAutoServerServesOnlyTheOwner() throws Exception {
        Path dataDir = dir.resolve("private");
        try (Database db = Database.open(dataDir)) {
            assertLoginRefused(dataDir, "harvester", "");
            assertLoginRefused(dataDir, "READER", "reader");
            DatabaseSecrets secrets = DatabaseSecrets.load(dataDir).orElseThrow();
            DriverManager.getConnection(url(dataDir), "harvester", secrets.admin()).close();
        }
        try (Database reader = Database.openReadOnly(dataDir)) {
            assertEquals(0L, new Queries(reader).userQuery("SELECT COUNT(*) FROM samples").rows().get(0).get(0));
        }
    }

    @Test
    void aDatabaseFromBeforeThePasswordsGetsThemAndKeepsItsRows() throws Exception {
        Path dataDir = dir.resolve("legacy");
        Files.createDirectories(dataDir);
        Flyway.configure().dataSource(url(dataDir), "harvester", "").locations("classpath:db/migration").target("3")
                .load().migrate();
        try (Connection old = DriverManager.getConnection(url(dataDir), "harvester", "")) {
            old.createStatement().execute("INSERT INTO job_runs (job, last_success_at) VALUES ('fetch', NOW())");
        }

        try (Database db = Database.open(dataDir)) {
            assertEquals(List.of(List.of("fetch")), new Queries(db).userQuery("SELECT job FROM job_runs").rows());
        }

        assertLoginRefused(dataDir, "harvester", "");
        Database.open(dataDir).close();
    }

    @Test
    void readsInASnapshotSeeNothingCommittedAfterTheFirstEvenInTablesTheyReadLater() throws Exception {
        try (Database db = Database.open(dir.resolve("snapshot"))) {
            List<Long> seen = db.inSnapshot("reading", conn -> {
                long samples = count(conn, "SELECT COUNT(*) FROM samples");
                new JobRunStore(db).succeeded("fetch", Instant.parse("2026-11-20T10:00:00Z"));
                return List.of(samples, count(conn, "SELECT COUNT(*) FROM job_runs"));
            });

            assertEquals(List.of(0L, 0L), seen);
            assertEquals(1L, (long) db.withConnection("counting", conn -> count(conn, "SELECT COUNT(*) FROM job_runs")),
                    "committed all the same");
        }
    }

    @Test
    void writingTransactionsTakeTurnsWhileReadsGoOnAndH2SavesNothingOnItsOwnThread() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        Path dataDir = dir.resolve("turns");
        try (Database db = Database.open(dataDir)) {
            String h2Saver = "MVStore background writer " + dataDir.toAbsolutePath().resolve("harvester.mv.db");
            assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(h2Saver::equals).toList(), "H2's own saving thread is stopped");

            CountDownLatch firstInside = new CountDownLatch(1);
            CountDownLatch firstMayEnd = new CountDownLatch(1);
            Future<Object> first = threads.submit(() -> db.inTransaction("first", conn -> {
                firstInside.countDown();
                awaitQuietly(firstMayEnd);
                return null;
            }));
            assertTrue(firstInside.await(10, TimeUnit.SECONDS));
            AtomicBoolean secondRan = new AtomicBoolean();
            Future<Object> second = threads.submit(() -> db.withWritingConnection("second", conn -> {
                secondRan.set(true);
                return null;
            }));

            assertEquals(0L, (long) db.withConnection("reading beside the writer",
                    conn -> count(conn, "SELECT COUNT(*) FROM job_runs")));
            Thread.sleep(300); // time enough for the second writer to start, were it not waiting its turn
            assertFalse(secondRan.get(), "the second writer waits while the first transaction is open");
            firstMayEnd.countDown();
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
            assertTrue(secondRan.get());
        } finally {
            threads.shutdownNow();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long count(Connection conn, String sql) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
