package io.tgharvester.api;

import java.util.List;

/**
 * One page of the sample list. {@code itemCount} counts every item the server sent, usable or not, so paging
 * stops on the server's short page even when some items were skipped.
 */
public record ListPage(List<Sample> samples, List<SkippedItem> skipped, int itemCount) {
    public ListPage {
        samples = List.copyOf(samples);
        skipped = List.copyOf(skipped);
    }
}
