package io.tgharvester.store;

import java.util.List;
import java.util.Optional;

/**
 * What {@code tg-harvester samples} asks for: the samples a filter keeps (all without one), in an order, with some
 * fields, one page of them.
 */
public record SampleListing(Optional<SampleFilter> filter, List<SortKey> order, List<SampleField> fields, int limit,
                            int offset) {

    /** One field to order by, ascending unless {@code descending}. */
    public record SortKey(SampleField field, boolean descending) {
    }

    public SampleListing {
        order = List.copyOf(order);
        fields = List.copyOf(fields);
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("no fields to list");
        }
        if (limit < 1 || offset < 0) {
            throw new IllegalArgumentException("the limit must be at least 1 and the offset at least 0");
        }
    }
}
