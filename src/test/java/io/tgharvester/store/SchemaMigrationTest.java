package io.tgharvester.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.TgJson;
import io.tgharvester.api.StateReport;
import io.tgharvester.correlate.Indicator;
import io.tgharvester.store.ReportQueries.UserRow;
import io.tgharvester.store.ReportQueries.Window;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every build opens the data dirs earlier builds made: it moves them forward, or refuses them in one line. */
class SchemaMigrationTest {
    private static final String ALICE = TgJson.id(1);
    private static final String BOB = TgJson.id(2);
    private static final String NOBODY = TgJson.id(3);
    private static final Instant NOW = Instant.parse("2026-11-21T00:00:00Z");

    /**
     * A harvest as a build with schema V7 stored it, one row or more in every table. Written against V1..V7 and
     * frozen with them: later migrations must carry these rows, so never adapt this SQL to a newer schema.
     */
    private static final String[] ROWS_AT_V7 = {
        """
        INSERT INTO samples (id, sha256, md5, sha1, filename, login, organization_id, submission_id, state, status,
            submitted_at, started_at, completed_at, first_seen_at, last_checked_at, finished_at, tags, vm, os,
            playbook, is_private) VALUES
        ('%1$s', '%4$s', 'b1946ac92492d2347c6235b4d2611184', 'e5fa44f2b31c1fb553b6021e7360d07d5d91ff5e',
            'invoice.doc', 'alice', 7, 101, 'succ', 'job_done', TIMESTAMP WITH TIME ZONE '2026-11-20 10:00:00Z',
            TIMESTAMP WITH TIME ZONE '2026-11-20 10:00:30Z', TIMESTAMP WITH TIME ZONE '2026-11-20 10:02:00Z',
            TIMESTAMP WITH TIME ZONE '2026-11-20 10:00:05Z', TIMESTAMP WITH TIME ZONE '2026-11-20 10:02:05Z',
            TIMESTAMP WITH TIME ZONE '2026-11-20 10:02:00Z', '["phishing"]', 'win10', 'Windows 10', 'default',
            FALSE),
        ('%2$s', NULL, NULL, NULL, 'setup.exe', 'bob', 7, 102, 'fail', 'job_failed',
            TIMESTAMP WITH TIME ZONE '2026-11-20 10:03:00Z', NULL, NULL,
            TIMESTAMP WITH TIME ZONE '2026-11-20 10:03:05Z', TIMESTAMP WITH TIME ZONE '2026-11-20 10:09:00Z',
            TIMESTAMP WITH TIME ZONE '2026-11-20 10:09:00Z', '[]', 'win7', NULL, NULL, TRUE),
        ('%3$s', NULL, NULL, NULL, 'notes.pdf', NULL, NULL, 103, 'run', 'analyzing_sample',
            TIMESTAMP WITH TIME ZONE '2026-11-20 10:05:00Z', NULL, NULL,
            TIMESTAMP WITH TIME ZONE '2026-11-20 10:05:05Z', TIMESTAMP WITH TIME ZONE '2026-11-20 10:09:00Z', NULL,
            '[]', 'win10', NULL, NULL, FALSE)
        """,
        """
        INSERT INTO state_changes (sample_id, from_state, to_state, observed_at) VALUES
        ('%1$s', NULL, 'run', TIMESTAMP WITH TIME ZONE '2026-11-20 10:00:05Z'),
        ('%1$s', 'run', 'succ', TIMESTAMP WITH TIME ZONE '2026-11-20 10:02:05Z')
        """,
        """
        INSERT INTO artifacts (sample_id, name, status, bytes, sha256, path, fetched_at, attempts, last_error,
            next_attempt_at) VALUES
        ('%1$s', 'analysis.json', 'done', 2, '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
            'artifacts/%1$s/analysis.json', TIMESTAMP WITH TIME ZONE '2026-11-20 10:02:10Z', 1, NULL, NULL),
        ('%1$s', 'network.pcap', 'failed', NULL, NULL, NULL, NULL, 2, 'HTTP 502',
            TIMESTAMP WITH TIME ZONE '2026-11-20 11:00:00Z')
        """,
        """
        INSERT INTO fetch_watermark (id, submitted_at, updated_at) VALUES
        (1, TIMESTAMP WITH TIME ZONE '2026-11-20 10:05:00Z', TIMESTAMP WITH TIME ZONE '2026-11-20 10:09:00Z')
        """,
        """
        INSERT INTO job_runs (job, last_success_at, last_failure_at, last_error) VALUES
        ('fetch', TIMESTAMP WITH TIME ZONE '2026-11-20 10:09:00Z', NULL, NULL)
        """,
        """
        INSERT INTO analysis (sample_id, threat_score, heuristic_score, max_severity, vm, analysis_start, analysis_end,
            duration_seconds, file_type, magic_type, behaviour_count, parsed_at) VALUES
        ('%1$s', 95, 80, 90, 'win10', TIMESTAMP WITH TIME ZONE '2026-11-20 10:00:30Z',
            TIMESTAMP WITH TIME ZONE '2026-11-20 10:01:30Z', 60, 'doc', 'Composite Document File V2 Document', 1,
            TIMESTAMP WITH TIME ZONE '2026-11-20 10:02:20Z')
        """,
        """
        INSERT INTO iocs (sample_id, ioc, title, category, tags, severity, confidence, hits) VALUES
        ('%1$s', 'macro-downloader', 'Document downloads a file', '["file"]', '["macro"]', 90, 80, 1)
        """,
        """
        INSERT INTO network_flows (sample_id, src_ip, src_port, dst_ip, dst_port, transport, protocol, bytes_orig,
            bytes_resp, started_at, ended_at) VALUES
        ('%1$s', '192.168.1.10', 49152, '203.0.113.7', 80, 'tcp', 'http', 320, 5120,
            TIMESTAMP WITH TIME ZONE '2026-11-20 10:00:40Z', TIMESTAMP WITH TIME ZONE '2026-11-20 10:00:41Z')
        """,
        "INSERT INTO domains (sample_id, domain, resolved_ips) VALUES ('%1$s', 'evil.example', '203.0.113.7')",
        "INSERT INTO urls (sample_id, url, method, status) VALUES ('%1$s', 'http://evil.example/payload', 'GET', 200)",
        """
        INSERT INTO artifact_hashes (sample_id, path, sha256, md5, sha1, size, magic_type, relation, origin) VALUES
        ('%1$s', 'invoice.doc', '%4$s', 'b1946ac92492d2347c6235b4d2611184', 'e5fa44f2b31c1fb553b6021e7360d07d5d91ff5e',
            24576, 'Composite Document File V2 Document', 'submitted', 'submitted')
        """,
        """
        INSERT INTO processes (sample_id, process_key, pid, ppid, name, image, command_line, analyzed_because,
            started_at) VALUES
        ('%1$s', '1', 1204, 880, 'WINWORD.EXE', 'C:\\Program Files\\Microsoft Office\\WINWORD.EXE',
            'WINWORD.EXE /n invoice.doc', 'Is target sample.', TIMESTAMP WITH TIME ZONE '2026-11-20 10:00:35Z')
        """,
        """
        INSERT INTO registry_keys (sample_id, pid, key_path, operation) VALUES
        ('%1$s', 1204, 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\updater', 'created')
        """,
        """
        INSERT INTO parse_state (sample_id, parser_version, status, attempts, last_error, parsed_at) VALUES
        ('%1$s', 1, 'parsed', 1, NULL, TIMESTAMP WITH TIME ZONE '2026-11-20 10:02:20Z')
        """,
    };
    private static final String ALICE_SHA256 = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8";

    /**
     * A harvest of 600 samples as a build with schema V9 stored it: five logins and none, every state, some without
     * a submission time, finish times with and without fractions of a second, analyses with and without a threat
     * score. Written against V9 and frozen with it, like {@link #ROWS_AT_V7}.
     */
    private static final String[] HARVEST_AT_V9 = {
        """
        INSERT INTO samples (id, login, state, submitted_at, finished_at, first_seen_at, last_checked_at, filename)
        SELECT LPAD(CAST(X AS VARCHAR), 32, '0'),
               CASE MOD(X, 6) WHEN 0 THEN NULL ELSE 'user' || MOD(X, 6) END,
               CASE WHEN MOD(X * 7, 20) < 13 THEN 'succ' WHEN MOD(X * 7, 20) < 16 THEN 'fail'
                    WHEN MOD(X * 7, 20) < 17 THEN 'stale' WHEN MOD(X * 7, 20) < 19 THEN 'run' ELSE 'wait' END,
               CASE WHEN MOD(X, 97) = 0 THEN NULL
                    ELSE DATEADD(SECOND, X * 1013, TIMESTAMP WITH TIME ZONE '2026-10-01 00:00:00Z') END,
               CASE WHEN MOD(X * 7, 20) < 17
                    THEN DATEADD(MILLISECOND, MOD(X * 331, 7) * 150 + (60 + MOD(X * 31, 900)) * 1000,
                                 DATEADD(SECOND, X * 1013, TIMESTAMP WITH TIME ZONE '2026-10-01 00:00:00Z')) END,
               DATEADD(SECOND, X * 1013 + 5, TIMESTAMP WITH TIME ZONE '2026-10-01 00:00:00Z'),
               DATEADD(SECOND, X * 1013 + 600, TIMESTAMP WITH TIME ZONE '2026-10-01 00:00:00Z'),
               'sample' || X || '.exe'
        FROM SYSTEM_RANGE(1, 600)
        """,
        """
        INSERT INTO analysis (sample_id, threat_score, parsed_at)
        SELECT id, CASE WHEN MOD(CAST(id AS INT), 11) = 0 THEN NULL ELSE MOD(CAST(id AS INT) * 13, 101) END,
               TIMESTAMP WITH TIME ZONE '2026-11-21 00:00:00Z'
        FROM samples WHERE state = 'succ' AND MOD(CAST(id AS INT), 3) <> 0
        """,
    };

    @TempDir
    Path dataDir;

    /** A data dir at schema {@code version} as that build left it: its secrets, and no later migration applied. */
    private void dataDirAt(String version) {
        Database.createPrivateDirectory(dataDir);
        Flyway.configure().dataSource(Database.url(dataDir, ""), Database.ADMIN, adminPassword())
                .locations("classpath:db/migration").target(version).load().migrate();
    }

    private String adminPassword() {
        return DatabaseSecrets.loadOrCreate(dataDir).admin();
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(Database.url(dataDir, ""), Database.ADMIN, adminPassword());
    }

    private void execute(String... statements) throws SQLException {
        try (Connection conn = connect(); Statement st = conn.createStatement()) {
            for (String sql : statements) {
                st.execute(sql.formatted(ALICE, BOB, NOBODY, ALICE_SHA256));
            }
        }
    }

    private String database() {
        return "the database in " + dataDir.toAbsolutePath();
    }

    private List<List<Object>> history() throws SQLException {
        try (Connection conn = connect(); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT \"version\", \"checksum\", \"success\""
                     + " FROM \"flyway_schema_history\" ORDER BY \"installed_rank\"")) {
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(Arrays.asList(rs.getObject(1), rs.getObject(2), rs.getObject(3)));
            }
            return rows;
        }
    }

    /** A time on the day of the stored rows. */
    private static OffsetDateTime at(String time) {
        return OffsetDateTime.parse("2026-11-20T" + time + "Z");
    }

    @Test
    void aDataDirAtTodaysSchemaOpensWithEveryRowAndTheHarvesterWorksOnIt() throws SQLException {
        dataDirAt("7");
        execute(ROWS_AT_V7);

        try (Database db = Database.open(dataDir)) {
            Queries queries = new Queries(db);
            assertEquals(List.of(List.of(3L, 2L, 2L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L)), queries.userQuery("""
                    SELECT (SELECT COUNT(*) FROM samples), (SELECT COUNT(*) FROM state_changes),
                        (SELECT COUNT(*) FROM artifacts), (SELECT COUNT(*) FROM fetch_watermark),
                        (SELECT COUNT(*) FROM job_runs), (SELECT COUNT(*) FROM analysis), (SELECT COUNT(*) FROM iocs),
                        (SELECT COUNT(*) FROM network_flows), (SELECT COUNT(*) FROM domains),
                        (SELECT COUNT(*) FROM urls), (SELECT COUNT(*) FROM artifact_hashes),
                        (SELECT COUNT(*) FROM processes), (SELECT COUNT(*) FROM registry_keys),
                        (SELECT COUNT(*) FROM parse_state)""").rows());
            assertEquals(List.of(List.of("invoice.doc", "alice", "succ", "[\"phishing\"]", ALICE_SHA256)),
                    queries.userQuery("SELECT filename, login, state, tags, sha256 FROM samples WHERE id = '"
                            + ALICE + "'").rows());
            assertEquals(List.of(
                    Arrays.asList("alice", 1L, 1L, 0L, 0L, 120.0),
                    Arrays.asList("bob", 1L, 0L, 1L, 0L, null),
                    Arrays.asList(null, 1L, 0L, 0L, 1L, null)), queries.userQuery("""
                    SELECT login, submissions, succeeded, failed, pending, mean_seconds_to_result
                    FROM user_stats ORDER BY login NULLS LAST""").rows());

            assertEquals(Optional.of(Instant.parse("2026-11-20T10:05:00Z")),
                    new SampleStore(db, List.of("analysis.json", "network.pcap")).watermark());
            QueryResult found = new CorrelationQueries(db).find(Indicator.DOMAIN, "evil.example", 10).samples();
            assertEquals(List.of(ALICE), found.rows().stream().map(r -> r.get(0)).toList(), found.columns().toString());
            ArtifactStore artifacts = new ArtifactStore(db);
            List<ArtifactTask> due = artifacts.due(NOW, 10);
            assertEquals(List.of(new ArtifactTask(ALICE, "network.pcap", 2)), due);
            artifacts.markDone(List.of(new DoneArtifact(due.get(0), 4096, ALICE_SHA256,
                    "artifacts/" + ALICE + "/network.pcap")), NOW);
            assertEquals(List.of(List.of("done", 2L)), queries.userQuery(
                    "SELECT status, COUNT(*) FROM artifacts GROUP BY status").rows());
        }
        assertEquals(0, Flyway.configure().dataSource(Database.url(dataDir, ""), Database.ADMIN, adminPassword())
                .locations("classpath:db/migration").load().info().pending().length, "every migration applied");
    }

    @Test
    void aStateChangeRecordedTwiceInARowIsKeptOnceAndEveryOtherChangeStays() throws SQLException {
        dataDirAt("9"); // a schema before V14
        execute("""
                INSERT INTO samples (id, state, first_seen_at, last_checked_at) VALUES
                ('%1$s', 'succ', TIMESTAMP WITH TIME ZONE '2026-11-20 10:00:00Z',
                    TIMESTAMP WITH TIME ZONE '2026-11-20 10:05:00Z'),
                ('%2$s', 'prep', TIMESTAMP WITH TIME ZONE '2026-11-20 10:00:00Z',
                    TIMESTAMP WITH TIME ZONE '2026-11-20 10:05:00Z')""", """
                INSERT INTO state_changes (sample_id, from_state, to_state, observed_at) VALUES
                ('%1$s', NULL, 'wait', TIMESTAMP WITH TIME ZONE '2026-11-20 10:00:00Z'),
                ('%1$s', 'wait', 'prep', TIMESTAMP WITH TIME ZONE '2026-11-20 10:01:00.001Z'),
                ('%1$s', 'wait', 'prep', TIMESTAMP WITH TIME ZONE '2026-11-20 10:01:00Z'),
                ('%1$s', 'prep', 'run', TIMESTAMP WITH TIME ZONE '2026-11-20 10:02:00Z'),
                ('%1$s', 'run', 'succ', TIMESTAMP WITH TIME ZONE '2026-11-20 10:05:00Z'),
                ('%1$s', 'run', 'succ', TIMESTAMP WITH TIME ZONE '2026-11-20 10:05:00.002Z'),
                ('%2$s', NULL, 'wait', TIMESTAMP WITH TIME ZONE '2026-11-20 10:00:00Z'),
                ('%2$s', 'wait', 'prep', TIMESTAMP WITH TIME ZONE '2026-11-20 10:01:00Z'),
                ('%2$s', 'prep', 'wait', TIMESTAMP WITH TIME ZONE '2026-11-20 10:02:00Z'),
                ('%2$s', 'wait', 'prep', TIMESTAMP WITH TIME ZONE '2026-11-20 10:03:00Z')""");

        try (Database db = Database.open(dataDir)) {
            assertEquals(List.of(
                    Arrays.asList(ALICE, null, "wait", at("10:00")),
                    Arrays.asList(ALICE, "wait", "prep", at("10:01")),
                    Arrays.asList(ALICE, "prep", "run", at("10:02")),
                    Arrays.asList(ALICE, "run", "succ", at("10:05")),
                    Arrays.asList(BOB, null, "wait", at("10:00")),
                    Arrays.asList(BOB, "wait", "prep", at("10:01")),
                    Arrays.asList(BOB, "prep", "wait", at("10:02")),
                    Arrays.asList(BOB, "wait", "prep", at("10:03"))), new Queries(db).userQuery("""
                    SELECT sample_id, from_state, to_state, observed_at FROM state_changes
                    ORDER BY sample_id, observed_at""").rows());
        }
    }

    @Test
    void upgradingAHarvestFillsThePerLoginTotalsSoTheViewAndReportTellTheNumbersTheyToldBefore() throws Exception {
        dataDirAt("9");
        execute(HARVEST_AT_V9);
        List<List<Object>> before = userStatsRows();

        try (Database db = Database.open(dataDir)) {
            List<List<Object>> after = userStatsRows();
            assertEquals(6, after.size());
            for (int i = 0; i < before.size(); i++) {
                List<Object> was = before.get(i);
                List<Object> is = after.get(i);
                assertEquals(was.subList(0, 8), is.subList(0, 8), "user_stats, " + was.get(0));
                assertEquals((Double) was.get(8), (Double) is.get(8), 1e-9, "mean, " + was.get(0));
                assertEquals(was.get(9), is.get(9), "p95, " + was.get(0));
            }
            assertEquals(before.size(), after.size());

            ReportQueries.Users report = new ReportQueries(db).users(Window.ALL);
            List<UserRow> reported = new ArrayList<>(report.users());
            reported.add(report.total());
            ExactUserStats.assertAgree(ExactUserStats.rowsThenTotal(db, Window.ALL), reported, "report users");

            // samples 14 and 17 were running and waiting
            assertEquals(2, new SampleStore(db, List.of("analysis.json")).applyStates(List.of(
                    new StateReport("%032d".formatted(14), "succ", Optional.empty()),
                    new StateReport("%032d".formatted(17), "fail", Optional.empty())), NOW).changed());
            List<UserRow> exact = ExactUserStats.rowsThenTotal(db, Window.ALL);
            ExactUserStats.assertAgree(exact.subList(0, exact.size() - 1).stream().map(ExactUserStats::asInView)
                    .toList(), ExactUserStats.userStatsView(db), "user_stats after the upgrade");
        }
    }

    private List<List<Object>> userStatsRows() throws SQLException {
        try (Connection conn = connect(); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM user_stats ORDER BY login NULLS LAST")) {
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int c = 1; c <= 10; c++) {
                    row.add(rs.getObject(c) instanceof Number n && !(n instanceof Double) ? n.longValue()
                            : rs.getObject(c));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /** The analyzers' rows and their progress, and whether the indexes that find their samples exist. */
    private List<List<Object>> analyzersAndTheirIndexes() throws SQLException {
        try (Connection conn = connect(); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("""
                     SELECT analyzer, since, scanned_to,
                            (SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEXES
                             WHERE INDEX_NAME IN ('ARTIFACTS_FETCHED_AT', 'PARSE_STATE_PARSED_AT'))
                     FROM analyzers ORDER BY analyzer""")) {
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(Arrays.asList(rs.getObject(1), rs.getObject(2, OffsetDateTime.class),
                        rs.getObject(3, OffsetDateTime.class), rs.getLong(4)));
            }
            return rows;
        }
    }

    @Test
    void aDataDirAtTheReleasedV12GetsEachAnalyzersProgressFromWhenItFirstRanAndTheIndexes() throws SQLException {
        dataDirAt("12");
        execute("INSERT INTO analyzers (analyzer, since) VALUES ('alert', TIMESTAMP WITH TIME ZONE"
                + " '2026-11-20 09:00:00Z')");

        Database.open(dataDir).close();

        assertEquals(List.of(Arrays.asList("alert", at("09:00:00"), at("09:00:00"), 2L)), analyzersAndTheirIndexes());
    }

    /**
     * V12 as builds of 2026-11-30 between two commits wrote it (src/test/resources/superseded-migrations): it already
     * held V17's column and indexes, under another checksum.
     */
    @Test
    void aDataDirWhoseV12AlreadyHeldTheAnalyzersProgressOpensAndKeepsIt() throws SQLException {
        dataDirAt("11");
        Flyway.configure().dataSource(Database.url(dataDir, ""), Database.ADMIN, adminPassword())
                .locations("classpath:superseded-migrations").ignoreMigrationPatterns("*:missing")
                .validateOnMigrate(false).load().migrate();
        execute("INSERT INTO analyzers (analyzer, since, scanned_to) VALUES ('alert', TIMESTAMP WITH TIME ZONE"
                + " '2026-11-20 09:00:00Z', TIMESTAMP WITH TIME ZONE '2026-11-20 10:30:00Z')");

        Database.open(dataDir).close();

        assertEquals(List.of(Arrays.asList("alert", at("09:00:00"), at("10:30:00"), 2L)), analyzersAndTheirIndexes());
        assertTrue(history().contains(Arrays.asList("17", -1831784283, true)), history().toString());
    }

    @Test
    void aMigrationChangedAfterItWasAppliedIsRefusedByName() throws SQLException {
        Database.open(dataDir).close();
        execute(SchemaHistorySql.changedChecksum("3"));

        StoreException refused = assertThrows(StoreException.class, () -> Database.open(dataDir));

        assertTrue(refused.getMessage().startsWith("migration V3 (reader) was changed after it was applied to "
                + database() + " (checksum 42 there, "), refused.getMessage());
        assertTrue(refused.getMessage().endsWith("a schema change is a new V<n>__ migration"), refused.getMessage());
    }

    @Test
    void aDatabaseWrittenByANewerHarvesterIsRefusedAndLeftAsItWas() throws SQLException {
        Database.open(dataDir).close();
        execute(SchemaHistorySql.applied("999", "from the future"), "CREATE TABLE from_the_future (id INT)");
        List<List<Object>> history = history();

        StoreException refused = assertThrows(StoreException.class, () -> Database.open(dataDir));

        assertTrue(refused.getMessage().startsWith(database() + " was written by a newer tg-harvester (schema V999;"
                + " this one knows up to V"), refused.getMessage());
        assertTrue(refused.getMessage().endsWith("): run that version or a newer one on it"), refused.getMessage());
        assertEquals(history, history(), "the schema history is as the newer version left it");
    }

    @Test
    void aMigrationThatBreaksOffIsNamedWithTheDatabasesErrorAndTheDataDirStaysRefused() throws SQLException {
        dataDirAt("6");
        execute("CREATE INDEX samples_user_stats ON samples (login)");

        StoreException broke = assertThrows(StoreException.class, () -> Database.open(dataDir));
        StoreException later = assertThrows(StoreException.class, () -> Database.open(dataDir));

        assertTrue(broke.getMessage().startsWith("upgrading " + database() + " to schema V"), broke.getMessage());
        assertTrue(broke.getMessage().endsWith(" failed (Failed to execute script V7__user_stats_index.sql: Index"
                + " \"SAMPLES_USER_STATS\" already exists) and may have left it half-changed: restore the data dir"
                + " from a backup made before the upgrade"), broke.getMessage());
        assertEquals("migration V7 (user stats index) failed on " + database() + " and may have left it"
                + " half-changed: restore the data dir from a backup made before the upgrade", later.getMessage());
    }

    @Test
    void anAppliedMigrationThisBuildDoesNotHaveIsRefused() throws SQLException {
        Database.open(dataDir).close();
        execute(SchemaHistorySql.applied("6.5", "renamed since"));

        StoreException refused = assertThrows(StoreException.class, () -> Database.open(dataDir));

        assertEquals(database() + " has migration V6.5 (renamed since) applied, which this tg-harvester does not have"
                + " (renamed or removed from db/): run the tg-harvester that applied it", refused.getMessage());
    }
}
