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
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * Scale: a busy organization (50 000 samples a day) replayed on a simulated clock with the default intervals —
 * how much faster than real time the harvester gets through it, and the database's size per sample — then a
 * database of one million samples with their analyses parsed, where {@code status}, the {@code user_stats} view and
 * {@code report users} (all time and over the last 7 and 30 days) are timed. {@code --dir DATA_DIR} keeps the
 * million samples there and reuses them on the next run.
 */
final class ScaleBench {
    static final int MILLION = 1_000_000;
    static final double QUERY_LIMIT_SECONDS = 2;
    /** The newest submission of the generated year; report windows end here, as if the report ran then. */
    static final Instant LAST_SUBMISSION = Instant.parse("2025-11-24T00:00:00Z").plusSeconds(31L * (MILLION - 1));

    private ScaleBench() {
    }

    static BenchTable run(Path work, List<String> options) throws Exception {
        Optional<Path> kept = options.size() == 2 && options.get(0).equals("--dir")
                ? Optional.of(Path.of(options.get(1))) : Optional.empty();
        if (!options.isEmpty() && kept.isEmpty()) {
            throw new IllegalArgumentException("scripts/bench scale takes only --dir DATA_DIR, not " + options);
        }
        List<BenchRow> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        keepUp(work.resolve("busy"), rows, notes);
        Path big = Files.createDirectories(kept.orElse(work.resolve("million")));
        if (Database.exists(big)) {
            notes.add(String.format(Locale.ROOT, "%,d samples reused from %s.", MILLION, big));
        } else {
            long t0 = System.nanoTime();
            generate(big);
            notes.add(String.format(Locale.ROOT, "%,d samples and their analyses written in %.0f s.", MILLION,
                    (System.nanoTime() - t0) / 1e9));
        }
        Database.open(big).close(); // reused samples get the migrations added since they were written
        notes.add(String.format(Locale.ROOT, "Each timing is the first run of its query on a freshly opened database;"
                + " limit %.0f s.", QUERY_LIMIT_SECONDS));
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
            rows.add(timed("report users (all time) at 1 M samples",
                    () -> usersReport(reports, ReportScope.allTime(ZoneOffset.UTC, LAST_SUBMISSION))));
            for (Duration since : List.of(Duration.ofDays(7), Duration.ofDays(30))) {
                rows.add(timed("report users --since " + since.toDays() + "d at 1 M samples", () -> usersReport(
                        reports, ReportScope.since(since, ZoneOffset.UTC, LAST_SUBMISSION.plusSeconds(1)))));
            }
        }
        return new BenchTable("scale: a busy organization, and a million samples", rows, notes);
    }

    private static int usersReport(ReportQueries reports, ReportScope scope) {
        return ReportRenderer.render(UsersReport.load(reports, scope).document(), ReportFormat.TABLE).length();
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

    /**
     * A year of a million samples from forty users, some busier than others: 85% succ (most taking 4 to 14 minutes,
     * one in twenty up to six hours, so each login has thousands of distinct times to result), 10% fail, the rest
     * still running; every succ sample's analysis parsed, with a threat score.
     */
    private static void generate(Path dataDir) throws SQLException {
        SplittableRandom rnd = new SplittableRandom(1_000_000);
        try (Database db = Database.open(dataDir); Connection conn = db.ownerConnection();
             PreparedStatement sample = conn.prepareStatement("""
                     INSERT INTO samples (id, login, state, submitted_at, finished_at, first_seen_at,
                                          last_checked_at, filename)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?)""");
             PreparedStatement analysis = conn.prepareStatement(
                     "INSERT INTO analysis (sample_id, threat_score, behaviour_count, parsed_at)"
                             + " VALUES (?, ?, ?, ?)")) {
            conn.setAutoCommit(false);
            Instant first = Instant.parse("2025-11-24T00:00:00Z");
            for (int n = 0; n < MILLION; n++) {
                String id = "%032x".formatted(n + 1);
                Instant submitted = first.plusSeconds(n * 31L);
                int roll = rnd.nextInt(20);
                String state = roll < 17 ? "succ" : roll < 19 ? "fail" : "run";
                long seconds = 240 + rnd.nextInt(600) + (rnd.nextInt(20) == 0 ? rnd.nextInt(21_600) : 0);
                sample.setString(1, id);
                sample.setString(2, "user" + (int) (40 * Math.pow(rnd.nextDouble(), 1.5)));
                sample.setString(3, state);
                sample.setObject(4, submitted.atOffset(ZoneOffset.UTC));
                sample.setObject(5, state.equals("run") ? null
                        : submitted.plusSeconds(seconds).atOffset(ZoneOffset.UTC));
                sample.setObject(6, submitted.atOffset(ZoneOffset.UTC));
                sample.setObject(7, submitted.atOffset(ZoneOffset.UTC));
                sample.setString(8, "sample" + n + (n % 3 == 0 ? ".exe" : ".docm"));
                sample.addBatch();
                if (state.equals("succ")) {
                    analysis.setString(1, id);
                    analysis.setInt(2, (int) Math.min(100, Math.round(Math.abs(rnd.nextGaussian()) * 45)));
                    analysis.setInt(3, rnd.nextInt(30));
                    analysis.setObject(4, submitted.plusSeconds(seconds + 60).atOffset(ZoneOffset.UTC));
                    analysis.addBatch();
                }
                if (n % 20_000 == 19_999) {
                    sample.executeBatch();
                    analysis.executeBatch();
                    conn.commit();
                }
            }
            sample.executeBatch();
            analysis.executeBatch();
            conn.commit();
            try (Statement analyze = conn.createStatement()) {
                analyze.execute("ANALYZE");
            }
            conn.commit();
        }
    }
}
