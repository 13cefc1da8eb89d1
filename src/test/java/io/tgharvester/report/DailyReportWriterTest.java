package io.tgharvester.report;

import static io.tgharvester.report.ReportFixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.store.Database;
import io.tgharvester.store.ReportQueries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DailyReportWriterTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @TempDir
    Path dataDir;

    private Path writeAt(Instant now, Duration period) {
        try (Database db = Database.openReadOnly(dataDir)) {
            return new DailyReportWriter(new ReportQueries(db), dataDir, BERLIN, period,
                    Clock.fixed(now, ZoneOffset.UTC)).write();
        }
    }

    private List<String> reportFiles() throws Exception {
        try (Stream<Path> files = Files.list(dataDir.resolve("reports"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesTheDatedUsersReportAndLatestIntoTheReportsFolderWithNothingElseLeft() throws Exception {
        ReportFixtures.storeHandCounted(dataDir);

        Path written = writeAt(T0.plusSeconds(3600), Duration.ofDays(7));

        assertEquals(dataDir.resolve("reports").resolve("users-2026-11-20.html"), written);
        assertEquals(List.of("latest.html", "users-2026-11-20.html"), reportFiles());
        String html = Files.readString(written);
        assertEquals(html, Files.readString(dataDir.resolve("reports/latest.html")));
        assertTrue(html.contains("last 7d (since 2026-11-13 12:00)"), "the window, in Berlin time");
        assertTrue(html.contains("<div class=\"label\">Submissions</div><div class=\"value\">11</div>"),
                "every sample lies inside the last 7 days");
        HtmlReportTest.assertSelfContained(html);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dataDir.resolve("reports"))));
    }

    @Test
    void theFileIsNamedByTheDateInTheReportZoneAndTheNextDayAddsOneWhileLatestMovesOn() throws Exception {
        ReportFixtures.storeHandCounted(dataDir);

        writeAt(Instant.parse("2026-11-20T22:30:00Z"), Duration.ofDays(1)); // 23:30 in Berlin
        writeAt(Instant.parse("2026-11-20T23:30:00Z"), Duration.ofDays(1)); // 00:30 on the 21st in Berlin
        Path second = writeAt(Instant.parse("2026-11-21T06:00:00Z"), Duration.ofDays(1));

        assertEquals(List.of("latest.html", "users-2026-11-20.html", "users-2026-11-21.html"), reportFiles());
        assertEquals(Files.readString(second), Files.readString(dataDir.resolve("reports/latest.html")));
    }

    @Test
    void aPeriodOfZeroIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DailyReportWriter(null, dataDir, BERLIN,
                Duration.ZERO, Clock.systemUTC()));
    }
}
