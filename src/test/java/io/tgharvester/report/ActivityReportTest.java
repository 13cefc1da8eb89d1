package io.tgharvester.report;

import static io.tgharvester.report.ReportFixtures.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.report.ActivityReport.FileType;
import io.tgharvester.report.ActivityReport.Outcomes;
import io.tgharvester.store.Database;
import io.tgharvester.store.ReportQueries;
import io.tgharvester.store.ReportQueries.Ranked;
import io.tgharvester.store.ReportQueries.Window;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActivityReportTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @TempDir
    Path dataDir;

    private ActivityReport load(Window window, ZoneId zone) {
        try (Database db = Database.openReadOnly(dataDir)) {
            return ActivityReport.load(new ReportQueries(db), new ReportScope(window, Optional.empty(), zone,
                    T0.plusSeconds(86400)));
        }
    }

    private static Instant berlinMidnight(String date) {
        return Instant.parse(date + "T00:00:00Z").minusSeconds(3600);
    }

    @Test
    void daysRunInTheReportZoneFromTheFirstToTheLastSubmissionWithQuietDaysIncluded() {
        ReportFixtures.storeHandCounted(dataDir);

        List<Outcomes> berlin = load(Window.ALL, BERLIN).perDay();
        List<Outcomes> utc = load(Window.ALL, ZoneOffset.UTC).perDay();

        assertEquals(List.of(
                new Outcomes(berlinMidnight("2026-11-17"), 1, 0, 0, 0),
                new Outcomes(berlinMidnight("2026-11-18"), 0, 0, 0, 0),
                new Outcomes(berlinMidnight("2026-11-19"), 0, 0, 0, 0),
                new Outcomes(berlinMidnight("2026-11-20"), 4, 2, 2, 1),
                new Outcomes(berlinMidnight("2026-11-21"), 1, 0, 0, 0)), berlin,
                "erin's 23:30 UTC submission is Saturday 00:30 in Berlin");
        assertEquals(4, utc.size());
        assertEquals(new Outcomes(Instant.parse("2026-11-20T00:00:00Z"), 5, 2, 2, 1), utc.get(3));
    }

    @Test
    void theHeatmapCountsSubmissionsByWeekdayAndHourInTheReportZone() {
        ReportFixtures.storeHandCounted(dataDir);

        long[][] berlin = load(Window.ALL, BERLIN).heatmap();
        long[][] utc = load(Window.ALL, ZoneOffset.UTC).heatmap();

        long[][] expected = new long[7][24];
        expected[1][11] = 1; // carol, Tuesday 11:00
        expected[4][11] = 9; // Friday 11:00-11:01
        expected[5][0] = 1;  // erin, Saturday 00:30
        assertArrayEquals(expected, berlin);
        assertEquals(9, utc[4][10]);
        assertEquals(1, utc[4][23]);
    }

    @Test
    void fileTypesComeFromTheFileNameExtensionWithTheirOutcomes() {
        ReportFixtures.storeHandCounted(dataDir);

        List<FileType> types = load(Window.ALL, BERLIN).fileTypes();

        assertEquals(new FileType("exe", 4, 4, 0), types.get(0), "invoice.pdf.exe, setup.exe, old.exe, late.EXE");
        assertEquals(List.of("exe", "(none)", "docm", "js", "msi", "scr", "xlsm", "zip"),
                types.stream().map(FileType::extension).toList());
        assertEquals(new FileType("msi", 1, 0, 1), types.get(4));
    }

    @Test
    void aWindowLimitsEveryActivityTable() {
        ReportFixtures.storeHandCounted(dataDir);

        ActivityReport report = load(new Window(Optional.of(ReportFixtures.WINDOW_FROM),
                Optional.of(ReportFixtures.WINDOW_TO)), BERLIN);

        assertEquals(9, report.submissions().size());
        assertEquals(List.of(new Outcomes(berlinMidnight("2026-11-20"), 4, 2, 2, 1)), report.perDay());
        assertEquals(List.of(100L, 200L, 300L, 1000L), report.secondsToResult());
        ReportTable perUser = table(report, "submissions_per_day");
        assertEquals(List.of(
                Arrays.asList(berlinMidnight("2026-11-20"), "alice", 6L),
                Arrays.asList(berlinMidnight("2026-11-20"), "bob", 1L),
                Arrays.asList(berlinMidnight("2026-11-20"), "dave", 1L),
                Arrays.asList(berlinMidnight("2026-11-20"), null, 1L)), perUser.rows());
    }

    @Test
    void perHourRowsStartAtTheFullHourOfTheReportZone() {
        ReportFixtures.storeHandCounted(dataDir);

        ReportTable perHour = table(load(Window.ALL, ZoneId.of("Asia/Kolkata")), "submissions_per_hour");

        // 10:00 UTC is 15:30 in Kolkata: that hour starts at 09:30 UTC
        assertTrue(perHour.rows().contains(Arrays.asList(Instant.parse("2026-11-20T09:30:00Z"), "alice", 6L)),
                perHour.rows().toString());
    }

    @Test
    void iocsDomainsAndMagicTypesAreNotAvailableUntilAnAnalysisIsParsed() {
        ReportFixtures.storeHandCounted(dataDir);
        ActivityReport report = load(Window.ALL, BERLIN);

        for (String name : List.of("top_iocs", "top_domains", "top_magic_types")) {
            assertTrue(table(report, name).unavailable().orElseThrow().startsWith("not available yet"), name);
        }
        String table = ReportRenderer.render(report.document(), ReportFormat.TABLE);
        assertTrue(table.contains("Top IOCs: not available yet"), table);
        String json = ReportRenderer.render(report.document(), ReportFormat.JSON);
        assertTrue(json.contains("\"top_iocs\": null"), json);
        assertTrue(json.contains("\"not_available\": {"), json);
        String csv = ReportRenderer.render(report.document(), ReportFormat.CSV);
        assertTrue(csv.contains("\r\n# top_domains: not available yet"), csv);
    }

    @Test
    void iocsDomainsAndMagicTypesAreRankedOnceAnalysesAreParsed() throws Exception {
        ReportFixtures.storeHandCounted(dataDir);
        ReportFixtures.asOwner(dataDir,
                ("INSERT INTO iocs (sample_id, ioc, severity) VALUES ('%1$032x', 'persistence-run-key', 80),"
                        + " ('%2$032x', 'persistence-run-key', 80), ('%2$032x', 'persistence-run-key', 80),"
                        + " ('%3$032x', 'network-dns-tunnel', 60),"
                        + " ('%4$032x', 'network-dns-tunnel', 60)").formatted(1, 2, 3, 10),
                "INSERT INTO domains (sample_id, domain) VALUES ('%032x', 'cdn-update.example.com'), ('%032x', 'telemetry.example.org')"
                        .formatted(1, 2),
                "INSERT INTO analysis (sample_id, threat_score, magic_type, parsed_at) VALUES"
                        + " ('%1$032x', 95, 'PE32 executable', NOW()), ('%2$032x', 20, 'PE32 executable', NOW())"
                        .formatted(1, 4));

        ActivityReport all = load(Window.ALL, BERLIN);
        ActivityReport window = load(new Window(Optional.of(ReportFixtures.WINDOW_FROM),
                Optional.of(ReportFixtures.WINDOW_TO)), BERLIN);

        assertEquals(Optional.of(List.of(new Ranked("network-dns-tunnel", 2), new Ranked("persistence-run-key", 2))),
                all.iocs(), "samples are counted once however often an IOC fires in them");
        assertEquals(Optional.of(List.of(new Ranked("persistence-run-key", 2), new Ranked("network-dns-tunnel", 1))),
                window.iocs(), "carol's sample lies outside the window");
        assertEquals(Optional.of(List.of(new Ranked("cdn-update.example.com", 1),
                new Ranked("telemetry.example.org", 1))), all.domains());
        assertEquals(Optional.of(List.of(new Ranked("PE32 executable", 2))), all.magicTypes());
        assertTrue(table(all, "top_iocs").unavailable().isEmpty());
    }

    @Test
    void anEmptyDatabaseGivesEmptyTablesAndAnAllZeroHeatmap() {
        ReportFixtures.store(dataDir, List.of(), T0);

        ActivityReport report = load(Window.ALL, BERLIN);

        assertTrue(report.perDay().isEmpty());
        assertTrue(report.fileTypes().isEmpty());
        assertArrayEquals(new long[7][24], report.heatmap());
        String table = ReportRenderer.render(report.document(), ReportFormat.TABLE);
        assertTrue(table.contains("Final states per day\nday  submissions"), table);
    }

    private static ReportTable table(ActivityReport report, String name) {
        return report.document().tables().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }
}
