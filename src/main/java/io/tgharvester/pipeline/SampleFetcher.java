package io.tgharvester.pipeline;

import io.tgharvester.api.ListPage;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.store.SampleStore;
import io.tgharvester.store.StoreOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the organization's samples submitted since the watermark (less an overlap, so late-indexed samples are
 * still seen) and stores each page before asking for the next.
 */
public final class SampleFetcher implements Stage {
    private static final Logger log = LoggerFactory.getLogger(SampleFetcher.class);
    /** A bound on one round; a longer backlog continues in the next round from the advanced watermark. */
    private static final int MAX_PAGES_PER_ROUND = 1000;

    private final ThreatGridClient client;
    private final SampleStore store;
    private final Clock clock;
    private final Duration overlap;
    private final Duration initialLookback;
    private final int pageSize;

    public SampleFetcher(ThreatGridClient client, SampleStore store, Clock clock, Duration overlap,
                         Duration initialLookback, int pageSize) {
        this.client = client;
        this.store = store;
        this.clock = clock;
        this.overlap = overlap;
        this.initialLookback = initialLookback;
        this.pageSize = pageSize;
    }

    @Override
    public String name() {
        return "fetch";
    }

    @Override
    public int run() {
        Instant after = store.watermark().map(w -> w.minus(overlap))
                .orElseGet(() -> clock.instant().minus(initialLookback));
        StoreOutcome total = StoreOutcome.NONE;
        int offset = 0;
        int pages = 0;
        int skipped = 0;
        while (pages < MAX_PAGES_PER_ROUND) {
            ListPage page = client.listSamples(after, pageSize, offset);
            pages++;
            total = total.plus(store.storePage(page.samples(), clock.instant()));
            skipped += page.skipped().size();
            page.skipped().forEach(item -> log.warn("event=sample-skipped reason=\"{}\" item={}",
                    item.reason(), item.excerpt()));
            if (page.itemCount() < pageSize) {
                break;
            }
            offset += page.itemCount();
        }
        if (total.added() + total.changed() + skipped > 0) {
            log.info("event=fetch after={} pages={} new={} changed={} succeeded={} skipped={}",
                    after, pages, total.added(), total.changed(), total.succeeded(), skipped);
        } else {
            log.debug("event=fetch after={} pages={} nothing-new", after, pages);
        }
        return total.succeeded();
    }
}
