package io.tgharvester.store;

import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the fetch stands: the watermark (each listing starts the overlap before it), the newest submission the last
 * complete listing saw, and the listing in progress, if any.
 *
 * <p>Why the watermark is not simply the newest submission seen: a listing pages by offset through a list whose
 * order the server does not document. Every sample the server held when the listing began is on one of its pages,
 * whatever the order, as long as the order is stable (a sample that arrives meanwhile only pushes others down, which
 * lists them twice). A sample that arrives while it pages may be missed; it was submitted after every submission
 * the server had already listed when the listing began: the newest of the previous complete listing and the newest
 * on this listing's first page. The watermark moves to the later of those two once every page has been listed, so the
 * next listing, from the watermark less the overlap, still covers any sample this one missed.
 */
public record FetchPosition(Optional<Instant> watermark, Optional<Instant> lastNewest, Optional<Listing> inProgress) {
    /** The same position with {@code listing} still under way. */
    public FetchPosition continuing(Listing listing) {
        return new FetchPosition(watermark, lastNewest, Optional.of(listing));
    }

    /** The position once {@code listing} has listed every page. */
    public FetchPosition completing(Listing listing) {
        return new FetchPosition(latest(watermark, lastNewest, listing.firstPageNewest()),
                latest(lastNewest, listing.newest()), Optional.empty());
    }

    @SafeVarargs
    static Optional<Instant> latest(Optional<Instant>... times) {
        return Stream.of(times).flatMap(Optional::stream).max(Instant::compareTo);
    }

    /**
     * One listing of {@code after=…} page by page: the offset of its next page, how many pages it has listed, the newest
     * submission on its first page and on all its pages so far, and when it began on the harvester's clock (shown by
     * {@code status}, never used to place the watermark).
     */
    public record Listing(Instant after, int nextOffset, int pages, Optional<Instant> firstPageNewest,
                          Optional<Instant> newest, Instant startedAt) {
        public static Listing from(Instant after, Instant startedAt) {
            return new Listing(after, 0, 0, Optional.empty(), Optional.empty(), startedAt);
        }

        /** This listing after one more page of {@code itemCount} items whose newest submission is {@code pageNewest}. */
        public Listing plusPage(int itemCount, Optional<Instant> pageNewest) {
            return new Listing(after, nextOffset + itemCount, pages + 1, pages == 0 ? pageNewest : firstPageNewest,
                    latest(newest, pageNewest), startedAt);
        }
    }
}
