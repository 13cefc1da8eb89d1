package io.tgharvester.api;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps one generic JSON item to a {@link Sample} or {@link StateReport}. Lenient about optional fields (a wrong
 * type or unparseable time reads as absent), strict about the id and state the pipeline cannot do without.
 */
final class SampleMapper {
    private SampleMapper() {
    }

    static Sample toSample(Object item) {
        Map<?, ?> map = asObject(item);
        return new Sample(
                id(map, "id"),
                state(map),
                string(map, "status"),
                string(map, "filename"),
                string(map, "login"),
                number(map, "organization_id"),
                number(map, "submission_id"),
                instant(map, "submitted_at"),
                instant(map, "started_at"),
                instant(map, "completed_at"),
                string(map, "md5"),
                string(map, "sha1"),
                string(map, "sha256"),
                tags(map),
                string(map, "vm"),
                string(map, "os"),
                string(map, "playbook"),
                map.get("private") instanceof Boolean b ? Optional.of(b) : Optional.empty());
    }

    static StateReport toStateReport(Object item) {
        Map<?, ?> map = asObject(item);
        return new StateReport(id(map, "sample"), state(map), string(map, "status"));
    }

    private static Map<?, ?> asObject(Object item) {
        if (item instanceof Map<?, ?> map) {
            return map;
        }
        throw new IllegalArgumentException("item is not a JSON object");
    }

    private static String id(Map<?, ?> map, String field) {
        Object id = map.get(field);
        if (!(id instanceof String s) || !SampleIds.isValid(s)) {
            throw new IllegalArgumentException("'" + field + "' is missing or not a 32-character hex sample id");
        }
        return s;
    }

    private static String state(Map<?, ?> map) {
        Object state = map.get("state");
        if (!(state instanceof String s) || s.isBlank() || s.length() > 32) {
            throw new IllegalArgumentException("'state' is missing or not a short string");
        }
        return s;
    }

    private static Optional<String> string(Map<?, ?> map, String field) {
        Object value = map.get(field);
        if (value instanceof String s) {
            return Optional.of(s);
        }
        return value instanceof Number || value instanceof Boolean
                ? Optional.of(String.valueOf(value)) : Optional.empty();
    }

    private static Optional<Long> number(Map<?, ?> map, String field) {
        Object value = map.get(field);
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return Optional.of(n.longValue());
        }
        if (value instanceof String s && s.matches("-?\\d{1,18}")) {
            return Optional.of(Long.parseLong(s));
        }
        return Optional.empty();
    }

    private static List<String> tags(Map<?, ?> map) {
        return map.get("tags") instanceof List<?> list
                ? list.stream().filter(t -> t instanceof String).map(String.class::cast).toList()
                : List.of();
    }

    private static Optional<Instant> instant(Map<?, ?> map, String field) {
        return map.get(field) instanceof String s ? parseInstant(s) : Optional.empty();
    }

    /** ISO-8601 with {@code Z} or an offset; a time without zone is read as UTC, as the API means it. */
    static Optional<Instant> parseInstant(String text) {
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException notOffset) {
            try {
                return Optional.of(LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException unreadable) {
                return Optional.empty();
            }
        }
    }
}
