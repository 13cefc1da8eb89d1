package io.tgharvester.console;

import io.tgharvester.report.ReportValues;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the console shows a database value: times in UTC to the second, whole numbers whole, nothing as a dash. */
final class Cells {
    static final String NOTHING = "\u2013";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Cells() {
    }

    static String text(Object value) {
        if (value == null) {
            return NOTHING;
        }
        if (value instanceof OffsetDateTime time) {
            return time(time.toInstant());
        }
        if (value instanceof Instant instant) {
            return time(instant);
        }
        if (value instanceof Double d) {
            return ReportValues.decimal(d);
        }
        return String.valueOf(value);
    }

    static String time(Instant instant) {
        return TIME.format(instant);
    }

    static boolean numeric(Object value) {
        return value instanceof Number;
    }

    /** How long ago {@code then} was, as people say it: "42 s ago", "3 h 5 min ago". */
    static String ago(Instant then, Instant now) {
        Duration age = Duration.between(then, now);
        return age.toSeconds() < 1 ? "just now" : ReportValues.duration(age.toSeconds()) + " ago";
    }

    /** A byte count in binary units: 512 B, 1.5 KiB, 367.9 MiB, 2.0 GiB. */
    static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = n;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
