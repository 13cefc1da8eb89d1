package io.tgharvester.store;

import io.tgharvester.store.SampleField.Kind;
import io.tgharvester.store.SampleFilter.And;
import io.tgharvester.store.SampleFilter.Comparison;
import io.tgharvester.store.SampleFilter.Not;
import io.tgharvester.store.SampleFilter.Or;
import io.tgharvester.store.SampleFilter.TimeRange;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the filter language of {@code tg-harvester samples} into a {@link SampleFilter}:
 * <pre>
 * filter     = or-expr END
 * or-expr    = and-expr { OR and-expr }
 * and-expr   = not-expr { AND not-expr }
 * not-expr   = NOT not-expr | "(" or-expr ")" | comparison
 * comparison = FIELD "__" OPERATOR "(" [ value { "," value } ] ")"
 * value      = 'text' | "text" | bare text     (a quote inside quotes is doubled: 'o''brien')
 * </pre>
 * NOT binds tighter than AND, AND tighter than OR; the keywords are read in any case. A bare value runs to the next
 * {@code ,} or {@code )} with the blanks around it dropped, so a value holding {@code , ( ) ' "} or starting or ending
 * with a blank is quoted. Values are checked against their field as they are read (a date for a time, a valid
 * regular expression for {@code regex}), so every mistake is reported at its own column.
 * <p>
 * A grammar of five rules does not warrant a parser generator: recursive descent, one method per rule, reads it in a
 * page, and the scanner can read a value by other rules than a keyword (a regex such as {@code test.*} is one value).
 */
public final class FilterParser {
    private final String text;
    private int pos;

    private FilterParser(String text) {
        this.text = text;
    }

    /** Parses {@code text}; a mistake throws {@link FilterException} naming its column. */
    public static SampleFilter parse(String text) {
        FilterParser parser = new FilterParser(text);
        parser.skipBlanks();
        if (parser.atEnd()) {
            throw parser.error(parser.pos, "the filter is empty; e.g. login__eq(alice) AND state__in(succ,fail)");
        }
        SampleFilter filter = parser.orExpr();
        parser.skipBlanks();
        if (!parser.atEnd()) {
            throw parser.at(')')
                    ? parser.error(parser.pos, "')' without a matching '('")
                    : parser.error(parser.pos, "expected AND, OR or the end of the filter, found " + parser.found());
        }
        return filter;
    }

    private SampleFilter orExpr() {
        SampleFilter left = andExpr();
        while (keyword("OR")) {
            left = new Or(left, andExpr());
        }
        return left;
    }

    private SampleFilter andExpr() {
        SampleFilter left = notExpr();
        while (keyword("AND")) {
            left = new And(left, notExpr());
        }
        return left;
    }

    private SampleFilter notExpr() {
        if (keyword("NOT")) {
            return new Not(notExpr());
        }
        skipBlanks();
        if (at('(')) {
            int open = pos++;
            SampleFilter inner = orExpr();
            skipBlanks();
            if (!at(')')) {
                throw atEnd() ? error(pos, "missing ')' for the '(' at column " + (open + 1))
                        : error(pos, "expected AND, OR or ')', found " + found());
            }
            pos++;
            return inner;
        }
        return comparison();
    }

    private SampleFilter comparison() {
        int start = pos;
        String word = word();
        if (word.isEmpty() || word.equalsIgnoreCase("AND") || word.equalsIgnoreCase("OR")) {
            throw error(start, "expected a comparison such as login__eq(alice), found " + found(start));
        }
        int split = word.indexOf("__");
        String fieldName = split < 0 ? word : word.substring(0, split);
        SampleField field = SampleField.named(fieldName).orElseThrow(() -> error(start,
                "unknown field '" + fieldName + "'; fields: " + SampleField.names()));
        if (split < 0) {
            throw error(pos, "expected __ and an operator after '" + word + "', e.g. " + field.fieldName() + "__eq(…)");
        }
        int opStart = start + split + 2;
        String opName = word.substring(split + 2);
        FilterOperator operator = FilterOperator.named(opName.toLowerCase(Locale.ROOT)).orElseThrow(() ->
                error(opStart, "unknown operator '" + opName + "'; operators: " + FilterOperator.names()));
        if (!operator.appliesTo(field.kind())) {
            throw error(opStart, operator.operatorName() + " does not apply to " + field.fieldName() + ", which takes "
                    + FilterOperator.namesFor(field.kind()));
        }
        skipBlanks();
        if (!at('(')) {
            throw error(pos, "expected '(' and the values after " + word + ", found " + found());
        }
        int open = pos++;
        List<Object> values = new ArrayList<>();
        skipBlanks();
        if (at(')')) {
            throw error(pos, operator.operatorName() + (operator.takesList() ? " takes one or more values" : " takes one value")
                    + ", e.g. " + field.fieldName() + "__" + operator.operatorName() + "(" + example(field) + ")");
        }
        while (true) {
            skipBlanks();
            int valueStart = pos;
            if (!values.isEmpty() && !operator.takesList()) {
                throw error(valueStart, operator.operatorName() + " takes one value; in and nin take a list");
            }
            values.add(typed(field, operator, value(), valueStart));
            skipBlanks();
            if (at(',')) {
                pos++;
            } else if (at(')')) {
                pos++;
                return new Comparison(field, operator, values);
            } else if (atEnd()) {
                throw error(pos, "missing ')' to close the values of " + word + " opened at column " + (open + 1));
            } else {
                throw error(pos, "expected ',' or ')' after a value, found " + found());
            }
        }
    }

    /** A quoted value, or a bare one up to the next ',' or ')'. */
    private String value() {
        int start = pos;
        if (at('\'') || at('"')) {
            char quote = text.charAt(pos++);
            StringBuilder value = new StringBuilder();
            while (true) {
                if (atEnd()) {
                    throw error(start, "the quote " + quote + " is never closed");
                }
                char c = text.charAt(pos++);
                if (c != quote) {
                    value.append(c);
                } else if (at(quote)) {
                    value.append(quote);
                    pos++;
                } else {
                    return value.toString();
                }
            }
        }
        while (!atEnd() && !at(',') && !at(')')) {
            if (at('(') || at('\'') || at('"')) {
                throw error(pos, "a value holding " + text.charAt(pos) + " must be quoted, e.g. '(a|b)' or \"o'brien\"");
            }
            pos++;
        }
        String value = text.substring(start, pos).strip();
        if (value.isEmpty()) {
            throw error(start, "missing value; write '' for empty text");
        }
        return value;
    }

    /** The value as the field and operator read it, or an error at its column. */
    private Object typed(SampleField field, FilterOperator operator, String value, int column) {
        if (operator == FilterOperator.REGEX || operator == FilterOperator.IREGEX) {
            try {
                Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                throw error(column, "not a regular expression: " + e.getDescription() + " near index " + e.getIndex());
            }
            return value;
        }
        if (operator == FilterOperator.LIKE) {
            return value;
        }
        return switch (field.kind()) {
            case TEXT, TAGS -> value;
            case NUMBER -> {
                try {
                    yield Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw error(column, field.fieldName() + " takes whole numbers, found '" + value + "'");
                }
            }
            case BOOLEAN -> {
                if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                    throw error(column, field.fieldName() + " takes true or false, found '" + value + "'");
                }
                yield Boolean.parseBoolean(value);
            }
            case TIME -> time(field, value, column);
        };
    }

    /** An ISO date (that whole UTC day) or date-time (with an offset, or UTC without one). */
    private TimeRange time(SampleField field, String value, int column) {
        try {
            return moment(OffsetDateTime.parse(value).toInstant());
        } catch (DateTimeException notOffset) {
            // try the next spelling
        }
        try {
            return moment(LocalDateTime.parse(value).toInstant(ZoneOffset.UTC));
        } catch (DateTimeException notLocal) {
            // try the next spelling
        }
        try {
            Instant day = LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            return new TimeRange(day, day.plus(1, ChronoUnit.DAYS));
        } catch (DateTimeException notDate) {
            throw error(column, field.fieldName() + " takes an ISO date or date-time such as 2026-11-01 or"
                    + " 2026-11-01T08:30:00Z, found '" + value + "'");
        }
    }

    private static TimeRange moment(Instant instant) {
        Instant micros = instant.truncatedTo(ChronoUnit.MICROS);
        return new TimeRange(micros, micros.plus(1, ChronoUnit.MICROS));
    }

    private static String example(SampleField field) {
        return switch (field.kind()) {
            case TEXT, TAGS -> "…";
            case NUMBER -> "42";
            case BOOLEAN -> "true";
            case TIME -> "2026-11-01";
        };
    }

    /** Consumes {@code keyword} (any case) when it stands next as a whole word. */
    private boolean keyword(String keyword) {
        skipBlanks();
        int end = pos + keyword.length();
        if (text.regionMatches(true, pos, keyword, 0, keyword.length())
                && (end == text.length() || !wordChar(text.charAt(end)))) {
            pos = end;
            return true;
        }
        return false;
    }

    private String word() {
        int start = pos;
        while (!atEnd() && wordChar(text.charAt(pos))) {
            pos++;
        }
        return text.substring(start, pos);
    }

    private static boolean wordChar(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }

    private void skipBlanks() {
        while (!atEnd() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private boolean at(char c) {
        return !atEnd() && text.charAt(pos) == c;
    }

    private String found() {
        return found(pos);
    }

    /** What stands at {@code index}: the word there, one character, or the end. */
    private String found(int index) {
        if (index >= text.length()) {
            return "the end of the filter";
        }
        int end = index;
        while (end < text.length() && wordChar(text.charAt(end))) {
            end++;
        }
        return "'" + text.substring(index, Math.max(end, index + 1)) + "'";
    }

    private FilterException error(int index, String reason) {
        return new FilterException(text, index, reason);
    }
}
