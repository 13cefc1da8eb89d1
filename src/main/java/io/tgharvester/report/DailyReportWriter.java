package io.tgharvester.report;

import io.tgharvester.store.Database;
import io.tgharvester.store.ReportQueries;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the HTML users report of the last {@code period} into {@code <data-dir>/reports/users-<yyyy-MM-dd>.html}
 * (the date of the run in {@code zone}; a second run on the same day replaces that day's file) and the same page as
 * {@code latest.html}. Each file is written to a temp file and renamed, so a reader, a web server or a mail job
 * never picks up half a report. Meant to be called by a scheduled job; it keeps no state between calls.
 */
public final class DailyReportWriter {
    public static final String DIRECTORY = "reports";
    public static final String LATEST = "latest.html";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT);
    private static final Logger log = LoggerFactory.getLogger(DailyReportWriter.class);

    private final ReportQueries queries;
    private final Path reportsDir;
    private final ZoneId zone;
    private final Duration period;
    private final Clock clock;

    /**
     * @param queries over the harvester's database (the daemon's own connection or a read-only one)
     * @param dataDir the harvester's data dir; reports go to its {@code reports/} folder
     * @param zone    the zone times, days and the file's date are shown in
     * @param period  how far back each report looks, e.g. 7 days
     */
    public DailyReportWriter(ReportQueries queries, Path dataDir, ZoneId zone, Duration period, Clock clock) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("the report period must be positive, not " + period);
        }
        this.queries = queries;
        this.reportsDir = dataDir.resolve(DIRECTORY);
        this.zone = zone;
        this.period = period;
        this.clock = clock;
    }

    /** Writes the report of the period ending now; returns the dated file. */
    public Path write() {
        Instant now = clock.instant();
        ReportScope scope = ReportScope.since(period, zone, now);
        UsersReport users = UsersReport.load(queries, scope);
        String html = HtmlReport.users(users, ActivityReport.load(queries, scope));
        Database.createPrivateDirectory(reportsDir); // owner-only, like the data dir: reports name who submitted what
        Path dated = reportsDir.resolve("users-" + DATE.format(now.atZone(zone)) + ".html");
        ReportFiles.writeAtomically(dated, html);
        ReportFiles.writeAtomically(reportsDir.resolve(LATEST), html);
        log.info("event=report-written file={} submissions={} users={}", dated, users.total().submissions(),
                users.users().size());
        return dated;
    }
}
