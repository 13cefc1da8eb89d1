package io.tgharvester.pipeline;

import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.store.BackfillProgress;
import io.tgharvester.store.BackfillStore;
import io.tgharvester.store.Database;
import io.tgharvester.store.SampleStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's backfill: walks its org_only history window after window, oldest first, each paged to its end,
 * until the whole range is listed. The samples go into the database like fetched ones: unfinished ones are then
 * checked by the harvester's state check, succeeded ones queued for download. Each window is a round of its own with
 * the connection's back-off, retried through passing faults for harvester.once.patience, so an outage of minutes
 * pauses a backfill of days rather than ending it. The progress is stored with every page: the same command run again
 * after an interruption continues where it stopped. Needs no data-dir lock, so it runs beside a daemon.
 */
public final class BackfillRun {
    private static final Logger log = LoggerFactory.getLogger(BackfillRun.class);

    private final String connection;
    private final BackfillStore progress;
    private final Duration window;
    private final Duration patience;
    private final Clock clock;
    private final StageRunner runner;
    private final ListPages pages;
    private final SampleStore samples;

    /** @param client the connection's client, usually with the backfill's call rate limit */
    public BackfillRun(String connection, ThreatGridClient client, HarvesterConfig config, Database db, Clock clock) {
        this.connection = connection;
        this.progress = new BackfillStore(db);
        this.window = config.backfill().window();
        this.patience = config.oncePatience();
        this.clock = clock;
        this.runner = StageRunner.of(client, config, db, clock, StageObserver.NONE);
        this.pages = new ListPages(client, config.pageSize());
        this.samples = new SampleStore(db, config.artifacts(), connection);
    }

    /**
     * Continues the unfinished backfill asked for with the same --from and --to, or begins this one. Refuses to
     * replace an unfinished backfill asked for differently unless {@code restart}.
     */
    public BackfillProgress begin(String fromSpec, Optional<String> toSpec, Instant from, Instant to,
                                  boolean restart) {
        Optional<BackfillProgress> stored = progress.read(connection);
        if (stored.isPresent() && stored.get().finishedAt().isEmpty()) {
            BackfillProgress unfinished = stored.get();
            if (unfinished.sameRequest(fromSpec, toSpec)) {
                log.info("event=backfill-resumed connection={} window_from={} offset={}", connection,
                        unfinished.windowFrom(), unfinished.nextOffset());
                return unfinished;
            }
            if (!restart) {
                throw new IllegalArgumentException("connection " + connection + " has an unfinished backfill (--from "
                        + unfinished.fromSpec() + unfinished.toSpec().map(t -> " --to " + t).orElse("") + ", window "
                        + (unfinished.windowsDone() + 1) + " of " + unfinished.windowsTotal() + "): run it again with"
                        + " the same --from and --to to continue it, or add --restart to begin this one instead");
            }
        }
        BackfillProgress fresh = BackfillProgress.start(connection, fromSpec, toSpec, from, to, window,
                clock.instant());
        progress.save(fresh, clock.instant());
        log.info("event=backfill-begun connection={} from={} to={} windows={}", connection, from, to,
                fresh.windowsTotal());
        return fresh;
    }

    /**
     * Lists every window left, telling {@code listener} after each stored page; returns the finished progress. A
     * failure that outlasts the patience, or one only an operator can fix, ends it with that failure; what is stored
     * stays, and running the same backfill again continues from there.
     */
    public BackfillProgress runToEnd(Consumer<BackfillProgress> listener) {
        Backfill backfill = new Backfill(pages, samples, progress, connection, clock, listener);
        Stage stage = new ConnectionStage(backfill, connection);
        StagePatience patient = new StagePatience(clock);
        BackfillProgress at = current();
        while (!at.complete()) {
            StageResult result = patient.runUntilDone(runner, stage, System.nanoTime() + patience.toNanos());
            if (result.failure().isPresent()) {
                throw result.failure().get();
            }
            at = current();
        }
        if (at.finishedAt().isEmpty()) {
            at = at.finished(clock.instant());
            progress.save(at, clock.instant());
            log.info("event=backfill-done connection={} windows={} pages={} samples={}", connection,
                    at.windowsDone(), at.pages(), at.samples());
        }
        return at;
    }

    private BackfillProgress current() {
        return progress.read(connection).orElseThrow(() -> new IllegalStateException(
                "no backfill of " + connection + " has begun"));
    }
}
