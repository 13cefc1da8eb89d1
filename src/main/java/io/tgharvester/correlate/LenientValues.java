package io.tgharvester.correlate;

import com.squareup.moshi.JsonReader;
import java.io.IOException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads one JSON value of the type a column wants, accepting what real reports send instead: numbers as strings or
 * floats, strings as numbers, nulls, and objects or arrays where a scalar was expected (skipped, so parsing goes on).
 */
final class LenientValues {
    private LenientValues() {
    }

    static Optional<String> text(JsonReader in) throws IOException {
        switch (in.peek()) {
            case STRING, NUMBER:
                return Optional.of(in.nextString());
            case BOOLEAN:
                return Optional.of(String.valueOf(in.nextBoolean()));
            default:
                in.skipValue();
                return Optional.empty();
        }
    }

    static Optional<String> lowerText(JsonReader in) throws IOException {
        return text(in).map(String::strip).filter(s -> !s.isEmpty()).map(s -> s.toLowerCase(Locale.ROOT));
    }

    static Optional<Long> whole(JsonReader in) throws IOException {
        return text(in).flatMap(LenientValues::parseWhole);
    }

    static Optional<Integer> integer(JsonReader in) throws IOException {
        return whole(in).filter(n -> n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE).map(Long::intValue);
    }

    /**
     * Report times are epoch seconds, sometimes fractional or quoted; processes.json gives a process's time as text
     * such as {@code Wed, 21 Dec 2022 12:10:16 UTC}; ISO-8601 is accepted too.
     */
    static Optional<Instant> epochSeconds(JsonReader in) throws IOException {
        Optional<String> value = text(in).map(String::strip);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        // Each form is tried first where it can fit (a number has no colon, RFC 1123 has spaces and ISO-8601 none), so
        // that the usual value throws nothing: each RFC 1123 time of processes.json cost two exceptions before.
        if (value.get().indexOf(':') < 0) {
            try {
                double seconds = Double.parseDouble(value.get());
                return Double.isFinite(seconds) ? Optional.of(Instant.ofEpochMilli(Math.round(seconds * 1000)))
                        : Optional.empty();
            } catch (NumberFormatException notANumber) {
                return textTime(value.get());
            }
        }
        return textTime(value.get());
    }

    private static Optional<Instant> textTime(String text) {
        return text.indexOf(' ') >= 0 ? rfc1123(text).or(() -> iso(text)) : iso(text).or(() -> rfc1123(text));
    }

    private static Optional<Instant> iso(String text) {
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException notIso) {
            return Optional.empty();
        }
    }

    private static Optional<Instant> rfc1123(String text) {
        try {
            String gmt = text.endsWith(" UTC") ? text.substring(0, text.length() - 4) + " GMT" : text;
            return Optional.of(ZonedDateTime.parse(gmt, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException notRfc1123) {
            return Optional.empty();
        }
    }

    /** A list of texts; a single text counts as a list of one, anything else inside is skipped. */
    static List<String> texts(JsonReader in) throws IOException {
        List<String> texts = new ArrayList<>();
        if (in.peek() == JsonReader.Token.BEGIN_ARRAY) {
            in.beginArray();
            while (in.hasNext()) {
                text(in).ifPresent(texts::add);
            }
            in.endArray();
        } else {
            text(in).ifPresent(texts::add);
        }
        return texts;
    }

    /** Enters an object if the next value is one; otherwise skips the value and says so. */
    static boolean enterObject(JsonReader in) throws IOException {
        if (in.peek() == JsonReader.Token.BEGIN_OBJECT) {
            in.beginObject();
            return true;
        }
        in.skipValue();
        return false;
    }

    static boolean enterArray(JsonReader in) throws IOException {
        if (in.peek() == JsonReader.Token.BEGIN_ARRAY) {
            in.beginArray();
            return true;
        }
        in.skipValue();
        return false;
    }

    private static Optional<Long> parseWhole(String text) {
        String s = text.strip();
        try {
            return Optional.of(Long.parseLong(s));
        } catch (NumberFormatException notWhole) {
            try {
                double d = Double.parseDouble(s);
                return Double.isFinite(d) && Math.abs(d) < 9.0e18 ? Optional.of((long) d) : Optional.empty();
            } catch (NumberFormatException notANumber) {
                return Optional.empty();
            }
        }
    }
}
