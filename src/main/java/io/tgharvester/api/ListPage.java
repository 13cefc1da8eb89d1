package io.tgharvester.api;

import java.util.List;
import java.util.OptionalInt;

/**
 * One page of the sample list. {@code itemCount} counts every item the server sent, usable or not, so paging steps
 * by what really came and stops on the server's short page even when some items were skipped. {@code itemsPerPage}
 * is the page size the server says it used, which may be below the limit asked for.
 */
public record ListPage(List<Sample> samples, List<SkippedItem> skipped, int itemCount, OptionalInt itemsPerPage) {
    public ListPage {
        samples = List.copyOf(samples);
        skipped = List.copyOf(skipped);
    }

    /**
     * Whether the list ends with this page: it is empty, or shorter than the server's own page size (the limit asked
     * for when the server reports none). Cisco's paging example stops on the same rule; a page shorter than what was
     * asked proves nothing when the server caps the page size.
     */
    public boolean isLast(int requestedLimit) {
        return itemCount == 0 || itemCount < itemsPerPage.orElse(requestedLimit);
    }
}
