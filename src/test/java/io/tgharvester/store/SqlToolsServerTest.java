package io.tgharvester.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.ChildHarvester;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQL tools reach a harvest through db-server while the daemon (a separate JVM) keeps writing to it: psql and an H2
 * JDBC client read live data and can change nothing.
 */
class SqlToolsServerTest {
    private static final String KEY = "db-server-test-key";

    @TempDir
    Path dataDir;

    private static final List<String> WRITES = List.of("DELETE FROM samples", "UPDATE samples SET login = 'x'",
            "INSERT INTO job_runs (job) VALUES ('x')", "DROP TABLE samples", "CREATE TABLE t (x INT)",
            "CREATE USER eve PASSWORD 'eve' ADMIN", "SELECT FILE_READ('/etc/hostname')",
            "CREATE ALIAS EXEC FOR 'java.lang.Runtime.getRuntime'");

    @Test
    void postgresAndH2ClientsReadTheLiveHarvestAndCannotWrite() throws Exception {
        SimulatorConfig config = new SimulatorConfig(KEY, List.of("liz", "max"), 0.0, Duration.ofMillis(400),
                4, Duration.ofMinutes(10), 40, Duration.ofMillis(800), 0.1, 0.0, 0.0, 3L);
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(config, Clock.systemUTC())) {
            simulator.start(0);
            Process daemon = ChildHarvester.start(dataDir, log, simulator.baseUrl().toString(), KEY, "run",
                    "--set", "harvester.fetch-interval=300ms", "--set", "harvester.state-interval=500ms");
            long first;
            try {
                ChildHarvester.awaitLog(log, "event=started", daemon);
                try (SqlToolsServer server = SqlToolsServer.start(dataDir, 0, 0);
                     Connection h2 = DriverManager.getConnection("jdbc:h2:tcp://127.0.0.1:" + server.tcpPort()
                             + "/" + SqlToolsServer.DATABASE, SqlToolsServer.USER, SqlToolsServer.PASSWORD)) {
                    assertTrue(server.tables().containsAll(List.of("SAMPLES", "ARTIFACTS", "USER_STATS", "DOMAINS")),
                            server.tables().toString());
                    Psql psql = new Psql(server.pgPort());
                    first = Long.parseLong(psql.query("SELECT COUNT(*) FROM samples"));
                    Instant deadline = Instant.now().plusSeconds(30);
                    while (count(h2, "SELECT COUNT(*) FROM samples") <= first) {
                        assertTrue(Instant.now().isBefore(deadline), "no new samples through the server");
                        Thread.sleep(200);
                    }
                    assertTrue(Long.parseLong(psql.query("SELECT COUNT(*) FROM samples")) > first,
                            "psql sees the new samples too");
                    assertTrue(count(h2, "SELECT COUNT(*) FROM samples s JOIN state_changes c ON c.sample_id = s.id")
                            > 0, "joins work through the H2 client");
                    assertEquals("2", psql.query("SELECT COUNT(*) FROM user_stats WHERE login IN ('liz', 'max')"),
                            "views are served too");
                    for (String write : WRITES) {
                        assertThrows(SQLException.class, () -> execute(h2, write), write);
                        assertTrue(psql.refuses(write), "psql: " + write);
                    }
                    String admin = "jdbc:h2:tcp://127.0.0.1:" + server.tcpPort() + "/";
                    assertThrows(SQLException.class, () -> DriverManager.getConnection(
                            admin + SqlToolsServer.DATABASE, "harvester", "").close(), "no admin login");
                    assertThrows(SQLException.class, () -> DriverManager.getConnection(
                            admin + dataDir.resolve("harvester"), "harvester", "").close(),
                            "the harvest file itself cannot be opened through the server");
                    assertThrows(SQLException.class, () -> DriverManager.getConnection(
                            admin + "mem:scratch", "sa", "").close(), "no new databases");
                }
                try (Database db = Database.openReadOnly(dataDir)) {
                    assertTrue((Long) new Queries(db).userQuery("SELECT COUNT(*) FROM samples").rows().get(0).get(0)
                            > first, "nothing was deleted");
                }
            } finally {
                daemon.destroy();
                assertTrue(daemon.waitFor(20, TimeUnit.SECONDS));
            }
        }
    }

    /** psql, the PostgreSQL command-line client, as a user would run it. */
    private record Psql(int port) {
        String query(String sql) throws Exception {
            Run run = run(sql);
            assertEquals(0, run.exitCode(), run.output());
            return run.output().strip();
        }

        boolean refuses(String sql) throws Exception {
            Run run = run(sql);
            return run.exitCode() != 0 && run.output().contains("ERROR");
        }

        private Run run(String sql) throws Exception {
            ProcessBuilder builder = new ProcessBuilder("psql", "-h", "127.0.0.1", "-p", String.valueOf(port),
                    "-U", SqlToolsServer.USER, "-d", SqlToolsServer.DATABASE, "-v", "ON_ERROR_STOP=1", "-A", "-t",
                    "-c", sql).redirectErrorStream(true);
            builder.environment().put("PGPASSWORD", SqlToolsServer.PASSWORD);
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new AssertionError("psql (Debian package postgresql-client) is needed for this test", e);
            }
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            return new Run(process.exitValue(), output);
        }
    }

    private record Run(int exitCode, String output) {
    }

    private static long count(Connection conn, String sql) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(Connection conn, String sql) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute(sql);
        }
    }
}
