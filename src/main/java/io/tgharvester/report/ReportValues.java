package io.tgharvester.report;

import io.tgharvester.report.ReportTable.Kind;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How report values read: for people (text and HTML tables: the report's zone, one decimal) and for machines (CSV
 * and JSON: ISO-8601 UTC, full precision). Both come from the same raw value, so the formats agree.
 */
public final class ReportValues {
    /** What a sample without a submitting login is called in tables. */
    public static final String NO_LOGIN = "(none)";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd EEE", Locale.ENGLISH);

    private ReportValues() {
    }

    /** A moment to the minute in {@code zone}: {@code 2026-11-24 08:17}. */
    public static String time(Instant instant, ZoneId zone) {
        return TIME.format(instant.atZone(zone));
    }

    /** ISO-8601 UTC without fractions when there are none: {@code 2026-11-24T07:17:06Z}. */
    public static String iso(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.atOffset(ZoneOffset.UTC));
    }

    /** Whole numbers without a fraction, others to one decimal: 400, 895.5. */
    public static String decimal(double value) {
        return value == Math.rint(value) && !Double.isInfinite(value) ? String.valueOf((long) value)
                : String.format(Locale.ROOT, "%.1f", value);
    }

    /** Seconds as people read them: 42 s, 7 min 12 s, 2 h 5 min. */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
        }
        long minutes = Math.round(s / 60.0);
        return minutes / 60 + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
    }

    /** A cell for people; null is "-", except a null login, which is {@link #NO_LOGIN}. */
    public static String display(Kind kind, Object value, ZoneId zone) {
        if (value == null) {
            return kind == Kind.LOGIN ? NO_LOGIN : "-";
        }
        return switch (kind) {
            case TIME -> time((Instant) value, zone);
            case DAY -> DAY.format(((Instant) value).atZone(zone));
            case HOUR -> time((Instant) value, zone);
            case DECIMAL -> decimal(((Number) value).doubleValue());
            case PERCENT -> String.format(Locale.ROOT, "%.1f", ((Number) value).doubleValue());
            default -> String.valueOf(value);
        };
    }

    /** A cell for machines (CSV); null is empty. */
    public static String machine(Kind kind, Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Instant instant) {
            return iso(instant);
        }
        if (value instanceof Double d) {
            return d == Math.rint(d) && !Double.isInfinite(d) ? String.valueOf(d.longValue()) : String.valueOf(d);
        }
        return String.valueOf(value);
    }
}
