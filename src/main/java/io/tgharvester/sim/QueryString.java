package io.tgharvester.sim;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A request's query parameters, percent-decoded; when a name repeats, the first value counts. */
final class QueryString {
    private final Map<String, String> params;

    private QueryString(Map<String, String> params) {
        this.params = params;
    }

    static QueryString parse(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                params.putIfAbsent(decode(eq < 0 ? pair : pair.substring(0, eq)),
                        eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return new QueryString(params);
    }

    Optional<String> text(String name) {
        return Optional.ofNullable(params.get(name));
    }

    /** ISO-8601 with or without fraction and offset (UTC when absent), as the service accepts. */
    Optional<Instant> instant(String name) {
        return text(name).map(value -> {
            // a '+' of an offset sent unencoded arrives as a space
            String text = value.replace(' ', '+');
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException withoutOffset) {
                try {
                    return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException unreadable) {
                    throw new BadRequest(name + " must be an ISO-8601 time such as 2026-11-24T06:00:00Z");
                }
            }
        });
    }

    /** An integer of at least {@code min}; larger than {@code max} counts as {@code max}. */
    int number(String name, int fallback, int min, int max) {
        Optional<String> value = text(name);
        if (value.isEmpty()) {
            return fallback;
        }
        BadRequest wrong = new BadRequest(name + " must be a whole number of at least " + min);
        try {
            int number = Integer.parseInt(value.get());
            if (number < min) {
                throw wrong;
            }
            return Math.min(number, max);
        } catch (NumberFormatException notANumber) {
            throw wrong;
        }
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            throw new BadRequest("the query string has a broken %-escape");
        }
    }
}
