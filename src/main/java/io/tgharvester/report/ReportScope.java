package io.tgharvester.report;

import io.tgharvester.config.Durations;
import io.tgharvester.store.ReportQueries.Window;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * What a report covers and how it shows time: the submission window, how it was asked for ({@code --since}), the
 * zone that table and HTML output use for times, days and hours, and when the report was made.
 */
public record ReportScope(Window window, Optional<Duration> since, ZoneId zone, Instant generatedAt) {
    public ReportScope {
        Objects.requireNonNull(window);
        Objects.requireNonNull(since);
        Objects.requireNonNull(zone);
        Objects.requireNonNull(generatedAt);
    }

    /** All samples ever stored. */
    public static ReportScope allTime(ZoneId zone, Instant now) {
        return new ReportScope(Window.ALL, Optional.empty(), zone, now);
    }

    /** Samples submitted in the {@code period} before {@code now}; the window stays open at its end. */
    public static ReportScope since(Duration period, ZoneId zone, Instant now) {
        return new ReportScope(new Window(Optional.of(now.minus(period)), Optional.empty()), Optional.of(period),
                zone, now);
    }

    /**
     * Words for the window, times in the report's zone: "last 7d (since 2026-11-17 10:00)", "all time", and the
     * connection when the report is of one.
     */
    public String describe() {
        return describeTime() + window.connection().map(c -> ", connection " + c).orElse("");
    }

    private String describeTime() {
        if (since.isPresent()) {
            return "last " + Durations.format(since.get()) + " (since " + ReportValues.time(window.from().orElseThrow(),
                    zone) + ")";
        }
        if (window.isAll()) {
            return "all time";
        }
        String from = window.from().map(t -> ReportValues.time(t, zone)).orElse("the first sample");
        String to = window.to().map(t -> ReportValues.time(t, zone)).orElse("now");
        return "from " + from + " to " + to;
    }
}
