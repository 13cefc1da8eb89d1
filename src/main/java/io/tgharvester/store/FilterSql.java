package io.tgharvester.store;

import io.tgharvester.store.SampleField.Kind;
import io.tgharvester.store.SampleFilter.And;
import io.tgharvester.store.SampleFilter.Comparison;
import io.tgharvester.store.SampleFilter.Not;
import io.tgharvester.store.SampleFilter.Or;
import io.tgharvester.store.SampleFilter.TimeRange;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A {@link SampleFilter} as a SQL condition on {@code samples}: column names come from {@link SampleField}, every
 * value is a bind parameter, in {@link #parameters()} order. Each comparison is two-valued: a sample without the
 * field (NULL) fails it, so NOT is its exact complement ({@code login__ne(alice)} includes samples without a login).
 */
record FilterSql(String condition, List<Object> parameters) {
    FilterSql {
        parameters = Collections.unmodifiableList(new ArrayList<>(parameters));
    }

    static FilterSql of(SampleFilter filter) {
        List<Object> parameters = new ArrayList<>();
        String condition = condition(filter, parameters);
        return new FilterSql(condition, parameters);
    }

    private static String condition(SampleFilter filter, List<Object> parameters) {
        if (filter instanceof And and) {
            return "(" + condition(and.left(), parameters) + " AND " + condition(and.right(), parameters) + ")";
        }
        if (filter instanceof Or or) {
            return "(" + condition(or.left(), parameters) + " OR " + condition(or.right(), parameters) + ")";
        }
        if (filter instanceof Not not) {
            return "NOT " + condition(not.operand(), parameters);
        }
        return comparison((Comparison) filter, parameters);
    }

    private static String comparison(Comparison c, List<Object> parameters) {
        return switch (c.operator()) {
            case NE -> "NOT " + holds(c.field(), FilterOperator.EQ, c.values(), parameters);
            case NIN -> "NOT " + holds(c.field(), FilterOperator.IN, c.values(), parameters);
            default -> holds(c.field(), c.operator(), c.values(), parameters);
        };
    }

    /** The comparison, false (not NULL) where the column is NULL. */
    private static String holds(SampleField field, FilterOperator operator, List<Object> values,
                                List<Object> parameters) {
        String column = field.column();
        return "(" + test(field, operator, values, parameters) + " AND " + column + " IS NOT NULL)";
    }

    private static String test(SampleField field, FilterOperator operator, List<Object> values,
                               List<Object> parameters) {
        String column = field.column();
        Object value = values.get(0);
        return switch (operator) {
            case EQ, IN -> field.kind() == Kind.TIME ? within(column, values, parameters)
                    : field.kind() == Kind.TAGS ? hasTag(column, values, parameters)
                    : column + " IN (" + bind(values, parameters) + ")";
            case LT -> column + " < " + bind(field.kind() == Kind.TIME ? start(value) : value, parameters);
            case LTE -> field.kind() == Kind.TIME ? column + " < " + bind(end(value), parameters)
                    : column + " <= " + bind(value, parameters);
            case GT -> field.kind() == Kind.TIME ? column + " >= " + bind(end(value), parameters)
                    : column + " > " + bind(value, parameters);
            case GTE -> column + " >= " + bind(field.kind() == Kind.TIME ? start(value) : value, parameters);
            case REGEX -> "REGEXP_LIKE(" + column + ", " + bind(value, parameters) + ")";
            case IREGEX -> "REGEXP_LIKE(" + column + ", " + bind(value, parameters) + ", 'i')";
            case LIKE -> column + " LIKE " + bind(value, parameters);
            case NE, NIN -> throw new IllegalArgumentException(operator + " is the negation of another comparison");
        };
    }

    /** Within any of the time ranges. */
    private static String within(String column, List<Object> ranges, List<Object> parameters) {
        return ranges.stream()
                .map(range -> "(" + column + " >= " + bind(start(range), parameters) + " AND " + column + " < "
                        + bind(end(range), parameters) + ")")
                .collect(Collectors.joining(" OR ", "(", ")"));
    }

    /**
     * Holds one of the tags exactly. Tags are stored as JSON array text ({@link TagsJson}), where a '"' that is not
     * escaped always starts or ends an element: so an element's JSON spelling between '[' or ',' and ',' or ']'
     * matches that whole element and nothing else.
     */
    private static String hasTag(String column, List<Object> tags, List<Object> parameters) {
        String elements = tags.stream().map(tag -> literal(element((String) tag)))
                .collect(Collectors.joining("|"));
        return "REGEXP_LIKE(" + column + ", " + bind("[\\[,](?:" + elements + ")[,\\]]", parameters) + ")";
    }

    /**
     * A regular expression that matches {@code text} literally in H2's (Java's) and PostgreSQL's dialects alike: a
     * backslash before a character that is not a letter or digit makes it plain in both, where Java's
     * {@code \Q…\E} is an error to PostgreSQL.
     */
    private static String literal(String text) {
        StringBuilder regex = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c < 128 && !Character.isLetterOrDigit(c)) {
                regex.append('\\');
            }
            regex.append(c);
        }
        return regex.toString();
    }

    /** A tag as it stands inside the stored array: its JSON string, quotes included. */
    private static String element(String tag) {
        String array = TagsJson.of(List.of(tag));
        return array.substring(1, array.length() - 1);
    }

    private static String bind(List<Object> values, List<Object> parameters) {
        return values.stream().map(value -> bind(value, parameters)).collect(Collectors.joining(", "));
    }

    private static String bind(Object value, List<Object> parameters) {
        parameters.add(value instanceof Instant instant ? OffsetDateTime.ofInstant(instant, ZoneOffset.UTC) : value);
        return "?";
    }

    private static Instant start(Object range) {
        return ((TimeRange) range).start();
    }

    private static Instant end(Object range) {
        return ((TimeRange) range).end();
    }
}
