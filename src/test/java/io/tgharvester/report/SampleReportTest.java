package io.tgharvester.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.api.Sample;
import io.tgharvester.store.Database;
import io.tgharvester.store.ReportQueries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fortnight of plausible submissions through the daily writer: the page scripts/check-report renders in a
 * browser. With {@code -Dreport.sample.dir=DIR} the data dir (database and reports/) is kept there.
 */
class SampleReportTest {
    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    private static final Instant NOW = Instant.parse("2026-11-24T14:45:00Z");

    @TempDir
    Path tempDir;

    @Test
    void aFortnightOfSubmissionsMakesAUsersReportWithEveryChart() throws Exception {
        Path dataDir = System.getProperty("report.sample.dir") == null ? tempDir
                : Path.of(System.getProperty("report.sample.dir"));
        List<Sample> samples = ReportFixtures.fortnight(NOW, ZONE, 20261124L);
        ReportFixtures.store(dataDir, samples, NOW);

        Path written;
        try (Database db = Database.openReadOnly(dataDir)) {
            written = new DailyReportWriter(new ReportQueries(db), dataDir, ZONE, Duration.ofDays(14),
                    Clock.fixed(NOW, ZoneOffset.UTC)).write();
        }

        assertEquals(dataDir.resolve("reports/users-2026-11-24.html"), written);
        String html = Files.readString(written);
        for (String chart : List.of("chart-users", "chart-over-time", "chart-time-to-result")) {
            assertTrue(html.matches("(?s).*<svg role=\"img\"[^>]*id=['\"]" + chart + "['\"].*"), chart);
        }
        assertTrue(html.contains("<table class=\"heat\">"));
    }
}
