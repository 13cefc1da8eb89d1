package io.tgharvester.pipeline;

import io.tgharvester.api.ListPage;
import io.tgharvester.api.Sample;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.store.FetchPosition;
import io.tgharvester.store.FetchPosition.Listing;
import io.tgharvester.store.SampleStore;
import io.tgharvester.store.StoreOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the organization's samples submitted since the watermark (less an overlap, so late-indexed samples are still
 * seen) page by page, storing each page with the listing's progress before asking for the next. Pages are stepped by
 * what the server returned and the list ends where the server's own page size says so; the watermark moves only once
 * a listing is complete ({@link FetchPosition} says to where), so neither a capped page size nor the list's order can
 * make the harvest skip a sample. A listing longer than one round's bound, or cut by a failure or a crash, continues
 * where it stopped in the next round.
 */
public final class SampleFetcher implements Stage {
    private static final Logger log = LoggerFactory.getLogger(SampleFetcher.class);
    /** Bounds one round's calls; a longer listing continues in the next round from its stored offset. */
    static final int MAX_PAGES_PER_ROUND = 1000;

    private final ListPages pages;
    private final SampleStore store;
    private final Clock clock;
    private final Duration overlap;
    private final Duration initialLookback;
    private final SucceededSignal succeeded;

    public SampleFetcher(ThreatGridClient client, SampleStore store, Clock clock, Duration overlap,
                         Duration initialLookback, int pageSize) {
        this(client, store, clock, overlap, initialLookback, pageSize, new SucceededSignal());
    }

    /** A fetcher that tells {@code succeeded} of each stored page that holds samples newly succeeded. */
    SampleFetcher(ThreatGridClient client, SampleStore store, Clock clock, Duration overlap, Duration initialLookback,
                  int pageSize, SucceededSignal succeeded) {
        this.succeeded = succeeded;
        this.pages = new ListPages(client, pageSize);
        this.store = store;
        this.clock = clock;
        this.overlap = overlap;
        this.initialLookback = initialLookback;
    }

    @Override
    public String name() {
        return "fetch";
    }

    @Override
    public int run() {
        FetchPosition position = store.fetchPosition();
        Listing listing = position.inProgress().isPresent() ? position.inProgress().get() : newListing(position);
        StoreOutcome total = StoreOutcome.NONE;
        int skipped = 0;
        boolean complete = false;
        for (int pagesThisRound = 0; pagesThisRound < MAX_PAGES_PER_ROUND && !complete; pagesThisRound++) {
            ListPage page = pages.fetch(listing.after(), Optional.empty(), listing.nextOffset());
            listing = listing.plusPage(page.itemCount(),
                    page.samples().stream().map(Sample::submittedAt).flatMap(Optional::stream).max(Instant::compareTo));
            complete = pages.isLast(page);
            position = complete ? position.completing(listing) : position.continuing(listing);
            StoreOutcome stored = store.storePage(page.samples(), position, clock.instant());
            if (stored.succeeded() > 0 && !complete) {
                succeeded.succeeded();
            }
            total = total.plus(stored);
            skipped += page.skipped().size();
        }
        if (!complete) {
            log.info("event=fetch-continues after={} pages={} listed={} detail=\"the listing goes on next round\"",
                    listing.after(), listing.pages(), listing.nextOffset());
        }
        if (total.added() + total.changed() + skipped > 0) {
            log.info("event=fetch after={} pages={} new={} changed={} succeeded={} skipped={}",
                    listing.after(), listing.pages(), total.added(), total.changed(), total.succeeded(), skipped);
        } else {
            log.debug("event=fetch after={} pages={} nothing-new", listing.after(), listing.pages());
        }
        return total.succeeded();
    }

    /** From the overlap before the watermark, or on the very first run from the initial lookback. */
    private Listing newListing(FetchPosition position) {
        Instant now = clock.instant();
        return Listing.from(position.watermark().map(w -> w.minus(overlap)).orElseGet(() -> now.minus(initialLookback)),
                now);
    }
}
