package io.tgharvester.pipeline;

import io.tgharvester.api.ListPage;
import io.tgharvester.api.ThreatGridClient;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pages of the organization's sample list (org_only=True) as the fetch and the backfill walk them: each asked for at
 * the offset where the items the server has returned so far end, the list ending on an empty page or one shorter than
 * the server's own page size ({@link ListPage#isLast}). A server that serves fewer samples per page than asked is
 * logged once; items that cannot be read are logged and skipped, the rest of the page kept.
 */
final class ListPages {
    private static final Logger log = LoggerFactory.getLogger(ListPages.class);

    private final ThreatGridClient client;
    private final int pageSize;
    /** The page size the server last said it caps to, so the cap is logged once, not on every call. */
    private OptionalInt serverPageSize = OptionalInt.empty();

    ListPages(ThreatGridClient client, int pageSize) {
        this.client = client;
        this.pageSize = pageSize;
    }

    /** The page at {@code offset} of the samples submitted from {@code after}, and before {@code before} if given. */
    ListPage fetch(Instant after, Optional<Instant> before, int offset) {
        ListPage page = client.listSamples(after, before, pageSize, offset);
        noteServerPageSize(page.itemsPerPage());
        page.skipped().forEach(item -> log.warn("event=sample-skipped reason=\"{}\" item={}",
                item.reason(), item.excerpt()));
        return page;
    }

    /** Whether the list ends with {@code page}. */
    boolean isLast(ListPage page) {
        return page.isLast(pageSize);
    }

    private void noteServerPageSize(OptionalInt perPage) {
        if (perPage.isPresent() && perPage.getAsInt() < pageSize && !perPage.equals(serverPageSize)) {
            log.info("event=page-cap requested={} served={} detail=\"Threat Grid serves fewer samples per page than"
                    + " asked; paging by what it returns\"", pageSize, perPage.getAsInt());
        }
        serverPageSize = perPage;
    }
}
