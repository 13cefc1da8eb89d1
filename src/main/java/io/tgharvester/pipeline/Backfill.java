package io.tgharvester.pipeline;

import io.tgharvester.api.ListPage;
import io.tgharvester.store.BackfillProgress;
import io.tgharvester.store.BackfillStore;
import io.tgharvester.store.SampleStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One round of a connection's backfill: the rest of the window it stands in, page by page, each page stored with the
 * progress it makes. Each window is listed from one second before its start ({@code after}) to its end
 * ({@code before}): the list endpoint's documentation does not say whether either bound includes its own second, and a
 * sample listed in two windows is simply stored once.
 */
final class Backfill implements Stage {
    /** Bounds a round's calls, so that a window of a busy organization still lets a round end now and then. */
    static final int MAX_PAGES_PER_ROUND = 1000;
    private static final Duration BOUNDARY_MARGIN = Duration.ofSeconds(1);

    private final ListPages pages;
    private final SampleStore samples;
    private final BackfillStore progress;
    private final String connection;
    private final Clock clock;
    private final Consumer<BackfillProgress> listener;
    private volatile boolean stopping;

    Backfill(ListPages pages, SampleStore samples, BackfillStore progress, String connection, Clock clock,
             Consumer<BackfillProgress> listener) {
        this.pages = pages;
        this.samples = samples;
        this.progress = progress;
        this.connection = connection;
        this.clock = clock;
        this.listener = listener;
    }

    @Override
    public String name() {
        return "backfill";
    }

    @Override
    public int run() {
        BackfillProgress at = progress.read(connection).orElseThrow(() -> new IllegalStateException(
                "no backfill of " + connection + " has begun"));
        int succeeded = 0;
        for (int n = 0; n < MAX_PAGES_PER_ROUND && !at.complete() && !stopping; n++) {
            ListPage page = pages.fetch(at.windowFrom().minus(BOUNDARY_MARGIN), Optional.of(at.windowTo()),
                    at.nextOffset());
            boolean last = pages.isLast(page);
            at = at.plusPage(page.itemCount(), last);
            succeeded += samples.storePage(page.samples(), at, clock.instant()).succeeded();
            listener.accept(at);
            if (last) {
                break;
            }
        }
        return succeeded;
    }

    @Override
    public void stop() {
        stopping = true;
    }
}
