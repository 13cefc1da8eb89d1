package io.tgharvester.report;

import static io.tgharvester.report.ReportFixtures.T0;
import static io.tgharvester.report.ReportFixtures.WINDOW_FROM;
import static io.tgharvester.report.ReportFixtures.WINDOW_TO;
import static io.tgharvester.report.ReportFixtures.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import io.tgharvester.store.ReportQueries;
import io.tgharvester.store.ReportQueries.ThreatStats;
import io.tgharvester.store.ReportQueries.UserRow;
import io.tgharvester.store.ReportQueries.Window;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersReportTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @TempDir
    Path dataDir;

    private UsersReport load(Window window) {
        try (Database db = Database.openReadOnly(dataDir)) {
            return UsersReport.load(new ReportQueries(db), new ReportScope(window, Optional.empty(), BERLIN,
                    T0.plusSeconds(86400)));
        }
    }

    private static Window window() {
        return new Window(Optional.of(WINDOW_FROM), Optional.of(WINDOW_TO));
    }

    /** login, counts, share, first and last submission, mean/median/p95: the report's numbers in one list. */
    private static List<Object> numbers(UsersReport report, UserRow user) {
        return Arrays.asList(user.login().orElse(null), user.submissions(), user.succeeded(), user.failed(),
                user.pending(), user.stale(), report.sharePercent(user), user.firstSubmittedAt().orElse(null),
                user.lastSubmittedAt().orElse(null), user.meanSecondsToResult().orElse(null),
                user.medianSecondsToResult().orElse(null), user.p95SecondsToResult().orElse(null));
    }

    @Test
    void aWindowCountsOnlySamplesSubmittedInItWithHandComputedNumbers() {
        ReportFixtures.storeHandCounted(dataDir);

        UsersReport report = load(window());

        // alice: 100, 200, 300, 1000 s -> mean 400, median (200 + 300) / 2, p95 300 + 0.85 * 700 = 895
        assertEquals(List.of(
                Arrays.asList("alice", 6L, 4L, 1L, 1L, 0L, 66.7, T0, T0.plusSeconds(50), 400.0, 250.0, 895.0),
                Arrays.asList("bob", 1L, 0L, 1L, 0L, 0L, 11.1, T0.plusSeconds(5), T0.plusSeconds(5), null, null,
                        null),
                Arrays.asList("dave", 1L, 0L, 0L, 0L, 1L, 11.1, T0.plusSeconds(60), T0.plusSeconds(60), null, null,
                        null),
                Arrays.asList(null, 1L, 0L, 0L, 1L, 0L, 11.1, T0.plusSeconds(7), T0.plusSeconds(7), null, null,
                        null)),
                report.users().stream().map(u -> numbers(report, u)).toList());
        assertEquals(Arrays.asList(null, 9L, 4L, 2L, 2L, 1L, 100.0, T0, T0.plusSeconds(60), 400.0, 250.0, 895.0),
                numbers(report, report.total()));
        assertFalse(report.threatScores(), "no analysis table yet");
    }

    @Test
    void allTimeTakesEverySampleAndTheOrganizationTotalCombinesAllLogins() {
        ReportFixtures.storeHandCounted(dataDir);

        UsersReport report = load(Window.ALL);

        assertEquals(List.of("alice", "bob", "carol", "dave", "erin", "(none)"), report.users().stream()
                .map(u -> u.login().orElse("(none)")).toList());
        UserRow carol = report.users().get(2);
        assertEquals(Arrays.asList("carol", 1L, 1L, 0L, 0L, 0L, 9.1, T0.minusSeconds(3 * 86400),
                T0.minusSeconds(3 * 86400), 500.0, 500.0, 500.0), numbers(report, carol));
        // succeeded: 100, 120, 200, 300, 500, 1000 -> mean 370, median 250, p95 500 + 0.75 * 500 = 875
        assertEquals(Arrays.asList(null, 11L, 6L, 2L, 2L, 1L, 100.0, T0.minusSeconds(3 * 86400),
                Instant.parse("2026-11-20T23:30:00Z"), 370.0, 250.0, 875.0), numbers(report, report.total()));
    }

    @Test
    void allTimeNumbersAreTheUserStatsViewsNumbers() {
        ReportFixtures.storeHandCounted(dataDir);
        UsersReport report = load(Window.ALL);

        List<List<Object>> view;
        try (Database db = Database.openReadOnly(dataDir)) {
            view = new Queries(db).userStats().rows();
        }

        List<List<Object>> fromReport = new ArrayList<>();
        for (UserRow u : report.users()) {
            fromReport.add(Arrays.asList(u.login().orElse(null), u.submissions(), u.succeeded(), u.failed(),
                    u.pending(), u.stale(), u.firstSubmittedAt().orElse(null), u.lastSubmittedAt().orElse(null),
                    u.meanSecondsToResult().orElse(null), u.p95SecondsToResult().orElse(null)));
        }
        assertEquals(view.stream().map(UsersReportTest::normalized).toList(), fromReport);
    }

    private static List<Object> normalized(List<Object> viewRow) {
        return viewRow.stream().map(v -> v instanceof OffsetDateTime t ? (Object) t.toInstant()
                : v instanceof Number n && !(v instanceof Double) ? (Object) n.longValue() : v).toList();
    }

    @Test
    void anEmptyDatabaseHasNoUsersAndAZeroTotal() {
        ReportFixtures.store(dataDir, List.of(), T0);

        UsersReport report = load(Window.ALL);

        assertTrue(report.users().isEmpty());
        assertEquals(Arrays.asList(null, 0L, 0L, 0L, 0L, 0L, 0.0, null, null, null, null, null),
                numbers(report, report.total()));
        String table = ReportRenderer.render(report.document(), ReportFormat.TABLE);
        assertTrue(table.contains("(0 rows)"), table);
    }

    @Test
    void oneUserWithOnlyFailuresHasNoTimeToResultAndTheWholeShare() {
        ReportFixtures.store(dataDir, List.of(sample(1, "mallory", "fail", T0, 30L, "a.exe"),
                sample(2, "mallory", "fail", T0.plusSeconds(9), 40L, "b.exe")), T0.plusSeconds(600));

        UsersReport report = load(Window.ALL);

        assertEquals(List.of(Arrays.asList("mallory", 2L, 0L, 2L, 0L, 0L, 100.0, T0, T0.plusSeconds(9), null, null,
                null)), report.users().stream().map(u -> numbers(report, u)).toList());
    }

    @Test
    void threatScoreColumnsAppearOnceAnalysesAreParsed() throws Exception {
        ReportFixtures.storeHandCounted(dataDir);
        ReportFixtures.asOwner(dataDir, ("INSERT INTO analysis (sample_id, threat_score, parsed_at) VALUES"
                + " ('%032x', 95, NOW()), ('%032x', 40, NOW()), ('%032x', 90, NOW()), ('%032x', 10, NOW()),"
                + " ('%032x', 100, NOW())").formatted(1, 2, 3, 4, 10));

        UsersReport report = load(window());

        assertTrue(report.threatScores());
        assertEquals(Optional.of(new ThreatStats(Optional.of(58.75), Optional.of(95.0), 2)),
                report.users().get(0).threat(), "alice: scores 95, 40, 90, 10");
        assertEquals(Optional.of(new ThreatStats(Optional.empty(), Optional.empty(), 0)),
                report.users().get(1).threat(), "bob's sample has no analysis");
        assertEquals(2L, report.total().threat().orElseThrow().highSeverity(), "carol's 100 is outside the window");
        List<String> columns = report.columns().stream().map(ReportTable.Column::name).toList();
        assertEquals(List.of("mean_threat_score", "max_threat_score", "high_severity"),
                columns.subList(columns.size() - 3, columns.size()));
        String json = ReportRenderer.render(report.document(), ReportFormat.JSON);
        assertTrue(json.contains("\"mean_threat_score\": 58.75"), json);
    }

    @Test
    void beforeAnyAnalysisIsParsedTheThreatColumnsAreLeftOut() {
        ReportFixtures.storeHandCounted(dataDir);

        UsersReport report = load(Window.ALL);

        assertTrue(report.columns().stream().noneMatch(c -> c.name().contains("threat")));
        assertTrue(report.users().stream().allMatch(u -> u.threat().isEmpty()));
    }

    @Test
    void tableOutputShowsTimesInTheReportZoneAndTheMissingLoginAsNone() {
        ReportFixtures.storeHandCounted(dataDir);

        String table = ReportRenderer.render(load(window()).document(), ReportFormat.TABLE);

        // T0 is 10:00 UTC, 11:00 in Berlin
        assertTrue(table.contains("alice                6          4       1        1      0     66.7  "
                + "2026-11-20 11:00  2026-11-20 11:00     400       250    895\n"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("(none) ")), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("all users            9")), table);
        assertTrue(table.startsWith("Threat Grid submissions by user \u2014 from 2026-11-20 10:00 to 2026-11-20 "
                + "12:00\n"), table);
    }

    @Test
    void csvAndJsonCarryUtcTimesAndFullPrecision() {
        ReportFixtures.storeHandCounted(dataDir);
        ReportDocument document = load(Window.ALL).document();

        String csv = ReportRenderer.render(document, ReportFormat.CSV);
        String json = ReportRenderer.render(document, ReportFormat.JSON);

        assertTrue(csv.startsWith("login,submissions,succeeded,failed,pending,stale,share_percent,"
                + "first_submitted_at,last_submitted_at,mean_seconds_to_result,median_seconds_to_result,"
                + "p95_seconds_to_result\r\n"), csv);
        assertTrue(csv.contains("\r\nalice,6,4,1,1,0,54.5,2026-11-20T10:00:00Z,2026-11-20T10:00:50Z,400,250,895\r\n"),
                csv);
        assertTrue(csv.contains("\r\n,1,0,0,1,0,9.1,2026-11-20T10:00:07Z,2026-11-20T10:00:07Z,,,\r\n"), csv);
        assertTrue(json.contains("\"login\": null"), json);
        assertTrue(json.contains("\"total\": {"), json);
        assertTrue(json.contains("\"window\": {\n    \"from\": null,\n    \"to\": null,\n    \"since\": null\n  }"),
                json);
    }
}
