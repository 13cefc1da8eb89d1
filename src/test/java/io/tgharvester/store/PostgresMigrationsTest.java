package io.tgharvester.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;

/**
 * db/postgresql holds PostgreSQL's translation of the H2 migrations in db/: the same versions, and on a real
 * PostgreSQL server the same tables and views with the same columns, whose per-login totals its PL/pgSQL triggers
 * keep as H2's Java triggers do.
 */
class PostgresMigrationsTest {
    private static final String FLYWAY_HISTORY = "flyway_schema_history";
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final String[] LOGINS = {"alice", "bob", null};
    private static final String[] STATES = {"wait", "run", "succ", "succ", "fail", "stale"};
    private static final List<String> RECOUNT = List.of("""
            SELECT login, COUNT(*), SUM(CASE WHEN state = 'succ' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN state = 'fail' THEN 1 ELSE 0 END), SUM(CASE WHEN state = 'stale' THEN 1 ELSE 0 END),
                   MIN(submitted_at), MAX(submitted_at)
            FROM samples GROUP BY login""", """
            SELECT login, sample_seconds_to_result(state, submitted_at, finished_at), COUNT(*)
            FROM samples WHERE state = 'succ' AND submitted_at IS NOT NULL AND finished_at IS NOT NULL
            GROUP BY 1, 2""", """
            SELECT s.login, a.threat_score, COUNT(*) FROM analysis a JOIN samples s ON s.id = a.sample_id
            WHERE a.threat_score IS NOT NULL GROUP BY s.login, a.threat_score""");
    private static final List<String> KEPT = List.of("""
            SELECT login, submissions, succeeded, failed, stale, first_submitted_at, last_submitted_at
            FROM user_totals""",
            "SELECT login, seconds_to_result, samples FROM user_result_times",
            "SELECT login, threat_score, samples FROM user_threat_scores");

    private static LoopbackPostgres postgres;
    private static HikariDataSource pool;

    @BeforeAll
    static void startPostgresAndMigrate() throws Exception {
        postgres = LoopbackPostgres.start();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.jdbcUrl());
        config.setUsername(postgres.user());
        config.setMaximumPoolSize(2);
        pool = new HikariDataSource(config);
        Flyway.configure().dataSource(pool).locations("classpath:db/postgresql").load().migrate();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pool != null) {
            pool.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void everyH2MigrationHasAPostgresTranslationOfTheSameVersionAndDescriptionAndNoOther(@TempDir Path scratch) {
        assertEquals(versions(DbFolder.h2Location(scratch)), versions(DbFolder.POSTGRESQL));
    }

    @Test
    void postgresHasTheTablesViewsAndColumnsThatH2Has(@TempDir Path scratch) throws SQLException {
        Map<String, List<String>> onH2 = migratedH2Columns(scratch);
        try (Connection pg = pool.getConnection()) {
            assertEquals(onH2, columns(pg, "public"));
        }
    }

    @Test
    void theLongestProcessNamesAndUrlsAreStoredAndFoundByTheirIndexes() throws SQLException {
        // 3 kB in UTF-8, and random, so that no compression brings it under what a B-tree entry holds
        String name = new SplittableRandom(7).ints(1024, 0x4e00, 0x9fa5).collect(StringBuilder::new,
                StringBuilder::appendCodePoint, StringBuilder::append).toString();
        String url = "http://example.test/aaa" + new SplittableRandom(8).ints(7000, 'a', 'z' + 1).collect(
                StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append);
        try (Connection pg = pool.getConnection(); Statement st = pg.createStatement()) {
            st.executeUpdate("INSERT INTO samples (id, state, submitted_at, first_seen_at, last_checked_at)"
                    + " VALUES ('" + "e".repeat(32) + "', 'succ', now(), now(), now())");
            try (PreparedStatement insert = pg.prepareStatement(
                    "INSERT INTO processes (sample_id, process_key, name) VALUES (?, '1', ?)")) {
                insert.setString(1, "e".repeat(32));
                insert.setString(2, name);
                insert.executeUpdate();
            }
            try (PreparedStatement insert = pg.prepareStatement("INSERT INTO urls (sample_id, url) VALUES (?, ?)")) {
                insert.setString(1, "e".repeat(32));
                insert.setString(2, url);
                insert.executeUpdate();
            }
            assertEquals(new TreeSet<>(Set.of("1")),
                    rows(pg, "SELECT process_key FROM processes WHERE name = '" + name + "'"));
            assertEquals(new TreeSet<>(Set.of(String.valueOf(url.length()))),
                    rows(pg, "SELECT LENGTH(url) FROM urls WHERE url LIKE 'http://example.test/aaa%'"));
        }
    }

    @Test
    void theTriggersKeepThePerLoginTotalsEqualToARecountThroughEveryKindOfChange() throws SQLException {
        SplittableRandom rnd = new SplittableRandom(16);
        try (Connection pg = pool.getConnection()) {
            List<String> ids = new ArrayList<>();
            for (int step = 0; step < 200; step++) {
                String change = change(pg, rnd, ids, step);
                for (int i = 0; i < KEPT.size(); i++) {
                    assertEquals(rows(pg, RECOUNT.get(i)), rows(pg, KEPT.get(i)), "after step " + step + ", "
                            + change + ": " + KEPT.get(i));
                }
            }
            assertTrue(rows(pg, "SELECT * FROM user_stats").size() > 1, "some logins left in user_stats");
        }
    }

    private static List<String> versions(String location) {
        MigrationInfo[] all = Flyway.configure().dataSource("jdbc:h2:mem:", "sa", "").locations(location).load()
                .info().all();
        return Arrays.stream(all).map(m -> m.getVersion() + " " + m.getDescription()).toList();
    }

    private static Map<String, List<String>> migratedH2Columns(Path scratch) throws SQLException {
        String url = "jdbc:h2:mem:pg-compare;DB_CLOSE_DELAY=-1";
        Flyway.configure().dataSource(url, "sa", "").locations(DbFolder.h2Location(scratch)).load().migrate();
        try (Connection conn = DriverManager.getConnection(url, "sa", "")) {
            return columns(conn, "PUBLIC");
        }
    }

    /** Table or view name -> its column names, lower case, in order; Flyway's history table left out. */
    private static Map<String, List<String>> columns(Connection conn, String schema) throws SQLException {
        Map<String, List<String>> columns = new TreeMap<>();
        try (PreparedStatement st = conn.prepareStatement("""
                SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ?
                ORDER BY table_name, ordinal_position""")) {
            st.setString(1, schema);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString(1).toLowerCase();
                    if (!table.equals(FLYWAY_HISTORY)) {
                        columns.computeIfAbsent(table, t -> new ArrayList<>()).add(rs.getString(2).toLowerCase());
                    }
                }
            }
        }
        return columns;
    }

    /** One change of the kinds the harvester makes and the triggers must follow; says which. */
    private static String change(Connection pg, SplittableRandom rnd, List<String> ids, int step)
            throws SQLException {
        Instant now = T0.plusMillis(60_000 + step * 13_700L);
        int kind = ids.isEmpty() ? 0 : rnd.nextInt(8);
        String id = ids.isEmpty() ? "" : ids.get(rnd.nextInt(ids.size()));
        switch (kind) {
            case 0, 1 -> {
                String newId = "%032x".formatted(step);
                ids.add(newId);
                update(pg, """
                        INSERT INTO samples (id, login, state, submitted_at, first_seen_at, last_checked_at)
                        VALUES (?, ?, ?, ?, ?, ?)""", newId, login(rnd), "wait",
                        time(now.minusSeconds(rnd.nextInt(3600))), time(now), time(now));
                return "insert of " + newId;
            }
            case 2, 3 -> {
                update(pg, "UPDATE samples SET state = ?, finished_at = ?, last_checked_at = ? WHERE id = ?",
                        STATES[rnd.nextInt(STATES.length)], time(now), time(now), id);
                return "state change of " + id;
            }
            case 4 -> {
                update(pg, "UPDATE samples SET login = ? WHERE id = ?", login(rnd), id);
                return "login change of " + id;
            }
            case 5 -> {
                update(pg, "UPDATE samples SET submitted_at = ? WHERE id = ?", time(now.minusSeconds(7200)), id);
                return "resubmission time of " + id;
            }
            case 6 -> {
                update(pg, "DELETE FROM analysis WHERE sample_id = ?", id);
                update(pg, "INSERT INTO analysis (sample_id, threat_score, parsed_at) VALUES (?, ?, ?)", id,
                        rnd.nextInt(4) == 0 ? null : rnd.nextInt(3) * 50, time(now));
                return "parse of " + id;
            }
            default -> {
                update(pg, "DELETE FROM analysis WHERE sample_id = ?", id);
                update(pg, "DELETE FROM state_changes WHERE sample_id = ?", id);
                update(pg, "DELETE FROM samples WHERE id = ?", id);
                ids.remove(id);
                return "delete of " + id;
            }
        }
    }

    private static String login(SplittableRandom rnd) {
        return LOGINS[rnd.nextInt(LOGINS.length)];
    }

    private static Timestamp time(Instant at) {
        return Timestamp.from(at);
    }

    private static void update(Connection conn, String sql, Object... values) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                st.setObject(i + 1, values[i]);
            }
            st.executeUpdate();
        }
    }

    /** The rows of a query as text, sorted: equal sets of rows compare equal. */
    private static TreeSet<String> rows(Connection conn, String sql) throws SQLException {
        TreeSet<String> rows = new TreeSet<>();
        try (PreparedStatement st = conn.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    Object value = rs.getObject(i);
                    row.add(value instanceof Number number ? String.valueOf(number.longValue())
                            : String.valueOf(Optional.ofNullable(value).orElse("NULL")));
                }
                rows.add(row.stream().collect(Collectors.joining("|")));
            }
        }
        return rows;
    }
}
