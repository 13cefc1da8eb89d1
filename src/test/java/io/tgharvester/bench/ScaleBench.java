package io.tgharvester.bench;

import io.tgharvester.report.ReportFormat;
import io.tgharvester.report.ReportRenderer;
import io.tgharvester.report.ReportScope;
import io.tgharvester.report.UsersReport;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import io.tgharvester.store.ReportQueries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Scale: a busy organization (50 000 samples a day) replayed on a simulated clock with the default intervals —
 * how much faster than real time the harvester gets through it, and the database's size per sample — then a
 * database of one million samples, where {@code status}, the {@code user_stats} view and {@code report users} are
 * timed.
 */
final class ScaleBench {
    static final int MILLION = 1_000_000;
    static final double QUERY_LIMIT_SECONDS = 5;

    private ScaleBench() {
    }

    static BenchTable run(Path work) throws Exception {
        List<BenchRow> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        keepUp(work.resolve("busy"), rows, notes);
        Path big = Files.createDirectories(work.resolve("million"));
        long t0 = System.nanoTime();
        generate(big);
        notes.add(String.format(Locale.ROOT, "%,d samples written in %.0f s for the timings below (each the first run"
                + " on a freshly opened database; limit %.0f s).", MILLION, (System.nanoTime() - t0) / 1e9, QUERY_LIMIT_SECONDS));
        try (Database db = Database.openReadOnly(big)) {
            Queries queries = new Queries(db);
            rows.add(timed("status at 1 M samples", () -> {
                queries.samplesByState();
                queries.artifactsByStatus();
                queries.jobRuns();
                return 0;
            }));
            rows.add(timed("SELECT * FROM user_stats at 1 M samples",
                    () -> queries.userQuery("SELECT * FROM user_stats").rows().size()));
            ReportQueries reports = new ReportQueries(db);
            rows.add(timed("report users (all time) at 1 M samples", () -> ReportRenderer.render(UsersReport.load(
                    reports, ReportScope.allTime(ZoneOffset.UTC, Instant.now())).document(), ReportFormat.TABLE)
                    .length()));
        }
        return new BenchTable("scale: a busy organization, and a million samples", rows, notes);
    }

    /** 50 000 samples a day for ten simulated minutes of warm-up and twenty counted, on the default schedule. */
    private static void keepUp(Path dataDir, List<BenchRow> rows, List<String> notes) throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        SimulatorConfig org = new SimulatorConfig("bench-key", List.of("alice.soc", "bob.ir", "carol.hunt"), 0.05,
                Duration.ofMillis(1_728), 0, Duration.ZERO, 0, Duration.ofMinutes(2), 0, 0, 0, 13);
        Duration window = Duration.ofMinutes(20);
        long samples;
        double wall;
        try (ScheduleReplay replay = new ScheduleReplay(org, start, dataDir)) {
            replay.runUntil(start.plus(Duration.ofMinutes(10)));
            long t0 = System.nanoTime();
            replay.runUntil(start.plus(Duration.ofMinutes(10)).plus(window));
            wall = (System.nanoTime() - t0) / 1e9;
            samples = ((Number) replay.queries().userQuery("SELECT COUNT(*) FROM samples").rows().get(0).get(0))
                    .longValue();
            long due = ((Number) replay.queries().userQuery(
                    "SELECT COUNT(*) FROM artifacts WHERE status <> 'done'").rows().get(0).get(0)).longValue();
            notes.add(String.format(Locale.ROOT, "Busy organization: %d simulated minutes (%,d samples stored)"
                    + " took %.0f s of wall time; %d artifacts were still due at the end.", window.toMinutes(),
                    samples, wall, due));
        }
        rows.add(new BenchRow("busy org: simulated time / wall time", window.toSeconds() / wall, 1, 1, false, "x"));
        double perSample = Files.size(dataDir.resolve("harvester.mv.db")) / (double) samples;
        notes.add(String.format(Locale.ROOT, "Database size per sample (samples, state changes, artifact rows):"
                + " %.0f bytes.", perSample));
    }

    /** The first run: H2 answers a repeated query on an unchanged database from its cache. */
    private static BenchRow timed(String figure, Callable<Integer> query) throws Exception {
        long t0 = System.nanoTime();
        query.call();
        return new BenchRow(figure + " (s)", (System.nanoTime() - t0) / 1e9, QUERY_LIMIT_SECONDS, 1, true, "s");
    }

    /** A year of a million samples from forty users: 85% succ, 10% fail, the rest still running. */
    private static void generate(Path dataDir) throws SQLException {
        try (Database db = Database.open(dataDir); Connection conn = db.ownerConnection();
             PreparedStatement st = conn.prepareStatement("""
                     INSERT INTO samples (id, login, state, submitted_at, finished_at, first_seen_at,
                                          last_checked_at, filename)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
            conn.setAutoCommit(false);
            Instant first = Instant.parse("2025-11-24T00:00:00Z");
            for (int n = 0; n < MILLION; n++) {
                Instant submitted = first.plusSeconds(n * 31L);
                String state = n % 20 < 17 ? "succ" : n % 20 < 19 ? "fail" : "run";
                st.setString(1, "%032x".formatted(n + 1));
                st.setString(2, "user" + (n * 7 % 40));
                st.setString(3, state);
                st.setObject(4, submitted.atOffset(ZoneOffset.UTC));
                st.setObject(5, state.equals("run") ? null : submitted.plusSeconds(300 + n % 600)
                        .atOffset(ZoneOffset.UTC));
                st.setObject(6, submitted.atOffset(ZoneOffset.UTC));
                st.setObject(7, submitted.atOffset(ZoneOffset.UTC));
                st.setString(8, "sample" + n + (n % 3 == 0 ? ".exe" : ".docm"));
                st.addBatch();
                if (n % 20_000 == 19_999) {
                    st.executeBatch();
                    conn.commit();
                }
            }
            st.executeBatch();
            conn.commit();
            try (Statement analyze = conn.createStatement()) {
                analyze.execute("ANALYZE");
            }
            conn.commit();
        }
    }
}
