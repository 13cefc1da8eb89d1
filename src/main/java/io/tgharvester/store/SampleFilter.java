package io.tgharvester.store;

import java.time.Instant;
import java.util.List;

/** A parsed {@code samples} filter: comparisons combined with AND, OR and NOT (see {@link FilterParser}). */
public sealed interface SampleFilter {

    record And(SampleFilter left, SampleFilter right) implements SampleFilter {
    }

    record Or(SampleFilter left, SampleFilter right) implements SampleFilter {
    }

    record Not(SampleFilter operand) implements SampleFilter {
    }

    /**
     * {@code field__operator(values…)} with its values read for the field's kind: {@code String} for text, tags and
     * patterns, {@code Long} for numbers, {@code Boolean}, or {@link TimeRange} for times.
     */
    record Comparison(SampleField field, FilterOperator operator, List<Object> values) implements SampleFilter {
        public Comparison {
            values = List.copyOf(values);
        }
    }

    /**
     * A time value as the span it names, {@code [start, end)}: a whole UTC day for a date, one microsecond (the
     * database's precision) for a date-time. So {@code submitted_at__eq(2026-11-01)} is any moment of that day, and
     * {@code lte} includes the whole day while {@code gt} starts after it.
     */
    record TimeRange(Instant start, Instant end) {
    }
}
