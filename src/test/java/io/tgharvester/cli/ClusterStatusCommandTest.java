package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.store.Database;
import io.tgharvester.store.LoopbackPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * status, sql and db-server through the command line on a real PostgreSQL database that nodes share: status shows the
 * nodes as Quartz's clustered JobStore records them and the download claims each holds.
 */
class ClusterStatusCommandTest {
    /** Quartz's default check-in interval, as the nodes record it. */
    private static final long CHECKIN_MS = 7_500;

    @TempDir
    static Path dataDir;
    private static LoopbackPostgres postgres;
    /** Whole milliseconds, as Quartz records its check-ins. */
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @BeforeAll
    static void startPostgresWithTwoNodesAndTheirClaims() throws Exception {
        postgres = LoopbackPostgres.start();
        try (Database db = Database.open(dataDir, postgres.settings("node-a")); Connection conn = db.ownerConnection()) {
            // as Quartz's clustered JobStore writes them: node-a checked in a second ago; node-b stopped a minute ago
            // with no node to recover it; another application's scheduler shares the tables
            checkIn(conn, "tg-harvester", "node-a", NOW.minusSeconds(1));
            checkIn(conn, "tg-harvester", "node-b", NOW.minusSeconds(60));
            checkIn(conn, "other-app", "node-z", NOW);
            sample(conn, "a", "default");
            sample(conn, "b", "eu");
            claim(conn, "a", "analysis.json", "node-a", NOW.plus(Duration.ofMinutes(2)));
            claim(conn, "a", "network.pcap", "node-a", NOW.plus(Duration.ofSeconds(90)));
            claim(conn, "b", "analysis.json", "node-a", NOW.plus(Duration.ofSeconds(100)));
            claim(conn, "b", "network.pcap", "node-b", NOW.plus(Duration.ofSeconds(30)));
            // an expired claim: the artifact is free for any node to take
            claim(conn, "a", "video.webm", "node-c", NOW.minusSeconds(5));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static void checkIn(Connection conn, String scheduler, String node, Instant at) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement("INSERT INTO quartz.qrtz_scheduler_state"
                + " (sched_name, instance_name, last_checkin_time, checkin_interval) VALUES (?, ?, ?, ?)")) {
            st.setString(1, scheduler);
            st.setString(2, node);
            st.setLong(3, at.toEpochMilli());
            st.setLong(4, CHECKIN_MS);
            st.executeUpdate();
        }
    }

    private static String id(String letter) {
        return letter.repeat(32);
    }

    private static void sample(Connection conn, String letter, String connection) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement("INSERT INTO samples (id, state, connection, first_seen_at,"
                + " last_checked_at) VALUES (?, 'succ', ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")) {
            st.setString(1, id(letter));
            st.setString(2, connection);
            st.executeUpdate();
        }
    }

    private static void claim(Connection conn, String letter, String name, String node, Instant until)
            throws SQLException {
        try (PreparedStatement st = conn.prepareStatement("INSERT INTO artifacts (sample_id, name, status, claimed_by,"
                + " claimed_until) VALUES (?, ?, 'pending', ?, ?)")) {
            st.setString(1, id(letter));
            st.setString(2, name);
            st.setString(3, node);
            st.setObject(4, until.atOffset(ZoneOffset.UTC));
            st.executeUpdate();
        }
    }

    private static CliRun.Result run(String... args) {
        Map<String, String> env = new HashMap<>(postgres.environment("node-a"));
        env.put("TG_DATA_DIR", dataDir.toString());
        return CliRun.run(env, args);
    }

    /** A table row of status's output, its cells as given, separated by the table's spaces. */
    private static Pattern row(String... cells) {
        return Pattern.compile("(?m)^" + String.join(" +", Arrays.stream(cells).map(Pattern::quote).toList())
                + " *$");
    }

    @Test
    void statusShowsEachNodeWithItsLastCheckInAndTheClaimsItHolds() {
        CliRun.Result status = run("status");

        assertEquals(0, status.exitCode(), status.err());
        String out = status.out();
        assertTrue(row("node", "last_checkin_at", "checkin_interval_ms", "state").matcher(out).find(), out);
        assertTrue(row("node-a", NOW.minusSeconds(1).toString(), "7500", "checking in").matcher(out).find(), out);
        assertTrue(row("node-b", NOW.minusSeconds(60).toString(), "7500", "not checking in").matcher(out).find(), out);
        assertFalse(out.contains("node-z"), out);
        assertTrue(row("node", "claims_held", "soonest_expiry").matcher(out).find(), out);
        assertTrue(row("node-a", "3", NOW.plusSeconds(90).toString()).matcher(out).find(), out);
        assertTrue(row("node-b", "1", NOW.plusSeconds(30).toString()).matcher(out).find(), out);
        assertFalse(out.contains("node-c"), "an expired claim is held by no one:\n" + out);
    }

    @Test
    void statusOfOneConnectionCountsTheClaimsOnItsSamplesAlone() {
        CliRun.Result status = run("status", "--connection", "eu");

        assertEquals(0, status.exitCode(), status.err());
        assertTrue(row("node-a", "1", NOW.plusSeconds(100).toString()).matcher(status.out()).find(), status.out());
        assertTrue(row("node-b", "1", NOW.plusSeconds(30).toString()).matcher(status.out()).find(), status.out());
    }

    @Test
    void aNodeIsNotCheckingInOnceSilentForTwoIntervalsAndSevenAndAHalfSeconds() throws SQLException {
        try (Database db = Database.open(dataDir, postgres.settings("node-a")); Connection conn = db.ownerConnection();
             Statement st = conn.createStatement()) {
            // node-d's check-in two intervals plus 7.5 s ago, less a margin for this test's own run
            checkIn(conn, "tg-harvester", "node-d", Instant.now().minusMillis(2 * CHECKIN_MS + 7_500 - 5_000));
            checkIn(conn, "tg-harvester", "node-e", Instant.now().minusMillis(2 * CHECKIN_MS + 7_500 + 1_000));
            try {
                String out = run("status").out();
                assertTrue(Pattern.compile("(?m)^node-d +\\S+ +7500 +checking in *$").matcher(out).find(), out);
                assertTrue(Pattern.compile("(?m)^node-e +\\S+ +7500 +not checking in *$").matcher(out).find(), out);
            } finally {
                st.executeUpdate("DELETE FROM quartz.qrtz_scheduler_state WHERE instance_name IN ('node-d', 'node-e')");
            }
        }
    }

    @Test
    void statusOnH2ShowsNoClusterSection(@TempDir Path h2DataDir) {
        Database.open(h2DataDir).close();

        CliRun.Result status = CliRun.run(Map.of("TG_DATA_DIR", h2DataDir.toString()), "status");

        assertEquals(0, status.exitCode(), status.err());
        assertFalse(status.out().contains("checkin") || status.out().contains("claims_held"), status.out());
    }

    @Test
    void sqlReadsAndRefusesAWriteInsideAReadWithOneLine() {
        CliRun.Result read = run("sql", "SELECT COUNT(*) AS samples FROM samples", "--format", "csv");
        assertEquals(0, read.exitCode(), read.err());
        assertEquals("samples\r\n2\r\n", read.out());

        CliRun.Result refused = run("sql", "WITH d AS (DELETE FROM artifacts RETURNING 1) SELECT COUNT(*) FROM d");

        assertEquals(5, refused.exitCode());
        assertEquals(1, refused.err().lines().count(), refused.err());
        assertTrue(refused.err().startsWith("tg-harvester: refused: sql only reads"), refused.err());
        assertEquals("artifacts\r\n5\r\n", run("sql", "SELECT COUNT(*) AS artifacts FROM artifacts", "--format",
                "csv").out());
    }
}
