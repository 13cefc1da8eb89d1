package io.tgharvester.report;

import io.tgharvester.TgJson;
import io.tgharvester.api.Sample;
import io.tgharvester.store.Database;
import io.tgharvester.store.SampleStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/** Samples for report tests, stored through the harvester's own SampleStore into a real H2 database. */
public final class ReportFixtures {
    private ReportFixtures() {
    }

    /** A sample as the list API would report it; {@code secondsToResult} sets completed_at (so finished_at). */
    public static Sample sample(int n, String login, String state, Instant submitted, Long secondsToResult,
                                String filename) {
        return new Sample(TgJson.id(n), state, Optional.empty(), Optional.ofNullable(filename),
                Optional.ofNullable(login), Optional.empty(), Optional.empty(), Optional.ofNullable(submitted),
                Optional.empty(), Optional.ofNullable(secondsToResult).map(submitted::plusSeconds), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /** Friday 2026-11-20 10:00 UTC, 11:00 in Europe/Berlin. */
    public static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    /** The window {@code [T0 - 1h, T0 + 1h)}: it leaves out carol's older and erin's later sample. */
    public static final Instant WINDOW_FROM = T0.minusSeconds(3600);
    public static final Instant WINDOW_TO = T0.plusSeconds(3600);

    /**
     * Eleven samples whose report numbers are worked out by hand in the tests: alice has four successes (100, 200,
     * 300 and 1000 s), one failure and one still running; bob only a failure; dave a stale one; one sample has no
     * login and waits; carol's success (500 s) lies three days before T0 and erin's (120 s) at 00:30 on Saturday in
     * Berlin, still Friday in UTC.
     */
    public static List<Sample> handCounted() {
        return List.of(
                sample(1, "alice", "succ", T0, 100L, "invoice.pdf.exe"),
                sample(2, "alice", "succ", T0.plusSeconds(10), 200L, "scan.docm"),
                sample(3, "alice", "succ", T0.plusSeconds(20), 300L, "payload.js"),
                sample(4, "alice", "succ", T0.plusSeconds(30), 1000L, "setup.exe"),
                sample(5, "alice", "fail", T0.plusSeconds(40), 50L, "archive.zip"),
                sample(6, "alice", "run", T0.plusSeconds(50), null, "report.xlsm"),
                sample(7, "bob", "fail", T0.plusSeconds(5), 60L, "update.msi"),
                sample(8, null, "wait", T0.plusSeconds(7), null, "noextension"),
                sample(9, "dave", "stale", T0.plusSeconds(60), null, "photo.scr"),
                sample(10, "carol", "succ", T0.minusSeconds(3 * 86400), 500L, "old.exe"),
                sample(11, "erin", "succ", Instant.parse("2026-11-20T23:30:00Z"), 120L, "C:\\Temp\\late.EXE"));
    }

    /** Stores {@link #handCounted()} into a new database in {@code dataDir}. */
    public static void storeHandCounted(Path dataDir) {
        store(dataDir, handCounted(), T0.plusSeconds(86400));
    }

    public static void store(Path dataDir, List<Sample> samples, Instant seenAt) {
        try (Database db = Database.open(dataDir)) {
            new SampleStore(db, List.of("analysis.json")).storePage(samples, seenAt);
        }
    }

    /** Runs DDL/DML as the database owner, as a later migration would (the correlation tables don't exist yet). */
    public static void asOwner(Path dataDir, String... statements) throws SQLException {
        try (Database opened = Database.open(dataDir);
             Connection conn = opened.ownerConnection();
             Statement st = conn.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    private static final String[] USERS = {"alice.soc", "bob.ir", "carol.hunt", "dave.noc", "erin.soc",
            "frank.ir", "grace.intel", null};
    private static final double[] WEIGHTS = {0.30, 0.18, 0.15, 0.11, 0.09, 0.07, 0.05, 0.05};
    private static final String[] FILES = {"invoice_%d.pdf.exe", "scan_%d.docm", "payload_%d.js", "update_%d.msi",
            "report_%d.xlsm", "setup_%d.exe", "photo_%d.scr", "archive_%d.zip", "statement_%d.pdf",
            "loader_%d.dll"};

    /**
     * A plausible fortnight of an organization's submissions ending at {@code end}: office hours on weekdays, a few
     * at night and on weekends, analyses taking minutes with a slow tail, some failures, a stuck and a stale one.
     */
    public static List<Sample> fortnight(Instant end, ZoneId zone, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Sample> samples = new ArrayList<>();
        ZonedDateTime day = end.atZone(zone).truncatedTo(ChronoUnit.DAYS).minusDays(13);
        int n = 1;
        for (int d = 0; d < 14; d++, day = day.plusDays(1)) {
            boolean weekend = day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
            int count = weekend ? rnd.nextInt(1, 5) : rnd.nextInt(14, 30);
            for (int i = 0; i < count; i++) {
                int hour = weekend || rnd.nextInt(12) == 0 ? rnd.nextInt(24)
                        : (int) Math.round(Math.max(7, Math.min(18, 12 + rnd.nextGaussian() * 2.6)));
                Instant submitted = day.plusHours(hour).plusMinutes(rnd.nextInt(60)).plusSeconds(rnd.nextInt(60))
                        .toInstant();
                if (submitted.isAfter(end)) {
                    continue;
                }
                String login = pick(rnd);
                Duration age = Duration.between(submitted, end);
                String state;
                Long seconds = null;
                int roll = rnd.nextInt(100);
                if (age.toMinutes() < 50 && roll < 80) {
                    state = roll < 35 ? "run" : "proc";
                } else if (roll < 7) {
                    state = "fail";
                    seconds = 60L + rnd.nextInt(400);
                } else if (roll == 7 && age.toHours() > 30) {
                    state = "stale";
                } else {
                    state = "succ";
                    seconds = 330L + Math.round(Math.abs(rnd.nextGaussian()) * 140) + rnd.nextInt(60)
                            + (rnd.nextInt(25) == 0 ? 900L + rnd.nextInt(1500) : 0);
                }
                samples.add(sample(n, login, state, submitted, seconds, FILES[rnd.nextInt(FILES.length)].formatted(n)));
                n++;
            }
        }
        return samples;
    }

    private static String pick(SplittableRandom rnd) {
        double r = rnd.nextDouble();
        for (int i = 0; i < USERS.length; i++) {
            r -= WEIGHTS[i];
            if (r < 0) {
                return USERS[i];
            }
        }
        return USERS[0];
    }
}
