package io.tgharvester.cli;

import io.tgharvester.config.Durations;
import io.tgharvester.report.ReportFiles;
import io.tgharvester.report.ReportFormat;
import io.tgharvester.report.ReportScope;
import io.tgharvester.store.Database;
import io.tgharvester.store.ReportQueries;
import io.tgharvester.store.ReportQueries.Window;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Optional;
import java.util.function.BiFunction;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The window, format, output and zone flags both {@code report} subcommands share. */
final class ReportOptions {
    @Option(names = "--since", paramLabel = "DURATION",
            description = "Only samples submitted in this last stretch of time: 24h, 7d, 30d.")
    String since;

    @Option(names = "--from", paramLabel = "TIME",
            description = "Only samples submitted at or after TIME: 2026-11-01T08:00:00Z, 2026-11-01T09:00+01:00,"
                    + " or in --zone 2026-11-01T09:00 or 2026-11-01.")
    String from;

    @Option(names = "--to", paramLabel = "TIME",
            description = "Only samples submitted before TIME; a bare date includes that whole day.")
    String to;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
            description = "table, csv, json or html (default: ${DEFAULT-VALUE}).")
    ReportFormat format;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write the report to FILE (atomically) instead of standard output.")
    Path out;

    @Mixin
    ConnectionOption connection;

    @Option(names = "--zone", paramLabel = "ZONE",
            description = "Time zone of times in table and html output, of days and hours, and of bare dates:"
                    + " Europe/Berlin, UTC, +02:00 (default: the system's). CSV and JSON times are always UTC.")
    String zone;

    ZoneId zone() {
        if (zone == null) {
            return ZoneId.systemDefault();
        }
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("--zone: unknown time zone '" + zone
                    + "': use a region such as Europe/Berlin, UTC, or an offset such as +02:00");
        }
    }

    /** No window flag means all time; --since and --from/--to exclude each other. */
    ReportScope scope(Instant now) {
        ZoneId reportZone = zone();
        if (since != null) {
            if (from != null || to != null) {
                throw new IllegalArgumentException("use either --since or --from/--to, not both");
            }
            Duration period;
            try {
                period = Durations.parse(since);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--since: " + e.getMessage());
            }
            if (period.isZero() || period.isNegative()) {
                throw new IllegalArgumentException("--since must be longer than 0");
            }
            ReportScope last = ReportScope.since(period, reportZone, now);
            return new ReportScope(last.window().of(connection.alias()), last.since(), reportZone, now);
        }
        Optional<Instant> start = Optional.ofNullable(from).map(text -> time("--from", text, reportZone, false));
        Optional<Instant> end = Optional.ofNullable(to).map(text -> time("--to", text, reportZone, true));
        return new ReportScope(new Window(start, end, connection.alias()), Optional.empty(), reportZone, now);
    }

    /** A bare date is the start of that day, or for --to the start of the next one, so the day is included. */
    static Instant time(String option, String text, ZoneId zone, boolean endOfDay) {
        String value = text.strip();
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeException notOffset) {
            // try the next spelling
        }
        try {
            return LocalDateTime.parse(value).atZone(zone).toInstant();
        } catch (DateTimeException notLocal) {
            // try the next spelling
        }
        try {
            LocalDate day = LocalDate.parse(value);
            return (endOfDay ? day.plusDays(1) : day).atStartOfDay(zone).toInstant();
        } catch (DateTimeException notDate) {
            throw new IllegalArgumentException(option + ": cannot read '" + text + "' as a time: use ISO-8601,"
                    + " e.g. 2026-11-01T08:00:00Z or 2026-11-01");
        }
    }

    /**
     * Opens the configured data dir's database read-only, renders the report of the window these options give
     * with {@code render}, and prints it or writes it to --out.
     */
    int run(Main main, ConfigOptions config, BiFunction<ReportQueries, ReportScope, String> render) {
        ReportScope scope = scope(Clock.systemUTC().instant());
        try (Database db = Database.openReadOnly(config.load(main))) {
            emit(main.out(), render.apply(new ReportQueries(db), scope));
        }
        return 0;
    }

    /** Prints the report, or writes it to --out and says where. */
    private void emit(PrintWriter stdout, String report) {
        if (out == null) {
            stdout.print(report);
        } else {
            ReportFiles.writeAtomically(out, report);
            stdout.println("Report written to " + out.toAbsolutePath().normalize());
        }
        stdout.flush();
    }
}
