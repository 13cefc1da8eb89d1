package io.tgharvester.console;

import io.tgharvester.report.Html;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * HTML that is safe as it stands: markup the console wrote itself, with every value in it escaped. Whether a value
 * is escaped is decided by its type, once, here: a {@code Markup} argument goes in as it is, anything else is text.
 */
record Markup(String html) {
    static final Markup EMPTY = new Markup("");

    /**
     * {@code template}, a constant of the console's own with {@code %s} for each argument, filled with the arguments:
     * text escaped, markup as it is, nothing for null.
     */
    static Markup of(String template, Object... args) {
        Object[] safe = Arrays.stream(args).map(Markup::safe).toArray();
        return new Markup(String.format(Locale.ROOT, template, safe));
    }

    /** A value as text. */
    static Markup text(Object value) {
        return new Markup(safe(value));
    }

    static Markup join(Iterable<Markup> parts) {
        return new Markup(StreamSupport.stream(parts.spliterator(), false).map(Markup::html)
                .collect(Collectors.joining()));
    }

    Markup plus(Markup next) {
        return new Markup(html + next.html);
    }

    private static String safe(Object value) {
        if (value == null) {
            return "";
        }
        return value instanceof Markup markup ? markup.html : Html.escape(String.valueOf(value));
    }
}
