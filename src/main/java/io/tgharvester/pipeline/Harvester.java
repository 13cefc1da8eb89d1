package io.tgharvester.pipeline;

import io.tgharvester.api.ApiException;
import io.tgharvester.api.ApiUnavailable;
import io.tgharvester.api.AuthenticationFailed;
import io.tgharvester.api.RequestRejected;
import io.tgharvester.api.ServerNotTrusted;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.artifacts.ArtifactFiles;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.correlate.AnalysisParser;
import io.tgharvester.store.ArtifactStore;
import io.tgharvester.store.CorrelationStore;
import io.tgharvester.store.DataDirLock;
import io.tgharvester.store.Database;
import io.tgharvester.store.JobRunStore;
import io.tgharvester.store.ParseStateStore;
import io.tgharvester.store.Queries;
import io.tgharvester.store.ReportQueries;
import io.tgharvester.store.SampleStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline of one data dir, wired: it holds the data dir's lock, the database and the four stages. Used for one
 * pass ({@link #runOnce()}) or by {@link HarvestScheduler} for the daemon.
 */
public final class Harvester implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Harvester.class);
    /** Between two tries of a stage in {@link #runOnce} when no pause is in force. */
    private static final Duration ONCE_RETRY_WAIT = Duration.ofSeconds(1);
    /** Between two looks for downloaded analyses to parse while {@link #runOnce} downloads. */
    private static final Duration PARSE_BESIDE_WAIT = Duration.ofMillis(100);

    private final DataDirLock lock;
    private final Database db;
    private final ThreatGridClient client;
    private final StageRunner runner;
    private final SampleFetcher fetcher;
    private final StateChecker stateChecker;
    private final ArtifactCollector collector;
    private final AnalysisIndexer indexer;
    private final Clock clock;
    /** How long {@link #runOnce} keeps a stage going through passing faults and pauses. */
    private final Duration patience;

    private Harvester(DataDirLock lock, Database db, ThreatGridClient client, StageRunner runner,
                      SampleFetcher fetcher, StateChecker stateChecker, ArtifactCollector collector,
                      AnalysisIndexer indexer, Clock clock, Duration patience) {
        this.lock = lock;
        this.db = db;
        this.client = client;
        this.runner = runner;
        this.fetcher = fetcher;
        this.stateChecker = stateChecker;
        this.collector = collector;
        this.indexer = indexer;
        this.clock = clock;
        this.patience = patience;
    }

    /** Locks the data dir, opens and migrates its database, and clears what an interrupted download left. */
    public static Harvester open(HarvesterConfig config, ThreatGridClient client, Clock clock) {
        return open(config, client, clock, StageObserver.NONE);
    }

    /** As {@link #open(HarvesterConfig, ThreatGridClient, Clock)}, telling {@code observer} of every stage run. */
    public static Harvester open(HarvesterConfig config, ThreatGridClient client, Clock clock,
                                 StageObserver observer) {
        DataDirLock lock = DataDirLock.acquire(config.dataDir());
        try {
            Database db = Database.open(config.dataDir());
            ArtifactFiles files = new ArtifactFiles(config.dataDir());
            int leftovers = files.removeLeftovers();
            if (leftovers > 0) {
                log.info("event=partial-downloads-removed count={} detail=\"they will be downloaded again\"",
                        leftovers);
            }
            SampleStore samples = new SampleStore(db, config.artifacts());
            return new Harvester(lock, db, client,
                    new StageRunner(new JobRunStore(db), new ServerBackoff(clock, new Random(),
                            config.backoffBase(), config.backoffMax(), client::recentCalls), clock, client::probe,
                            observer),
                    new SampleFetcher(client, samples, clock, config.fetchOverlap(), config.initialLookback(),
                            config.pageSize()),
                    new StateChecker(client, samples, clock, config.staleAfter()),
                    new ArtifactCollector(client, new ArtifactStore(db), files, clock,
                            new RetryDelay(config.retryBase(), config.retryMax(), new Random()),
                            config.downloadConcurrency()),
                    indexer(config.dataDir(), db, clock), clock, config.oncePatience());
        } catch (IOException e) {
            lock.close();
            throw new UncheckedIOException("cannot clean the artifacts directory", e);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** The parse stage of the data dir {@code db} belongs to; {@code reindex} uses it beside a running daemon. */
    public static AnalysisIndexer indexer(Path dataDir, Database db, Clock clock) {
        return new AnalysisIndexer(dataDir, new ParseStateStore(db), new CorrelationStore(db), new AnalysisParser(),
                clock);
    }

    /**
     * One full pass: fetch, state check, downloads, then parsing. A stage that fails on a passing fault, or finds all
     * calls paused, runs again (after the pause, or a short wait) until it succeeds or {@code patience} has passed
     * since the pass began; then, or on a refused key, an untrusted certificate or a local failure, the pass ends
     * there with that stage's failure. Downloads that failed in the pass are tried again when their retry falls due
     * within the patience, so a pass through passing faults ends with every artifact it could get.
     */
    public List<StageResult> runOnce() {
        long giveUp = System.nanoTime() + patience.toNanos();
        List<StageResult> results = new ArrayList<>();
        for (Stage stage : stages()) {
            StageResult result = stage == collector ? parsingBeside(() -> downloads(giveUp))
                    : runUntilDone(stage, giveUp);
            results.add(result);
            if (result.status() != StageResult.Status.DONE) {
                break;
            }
        }
        return results;
    }

    /** The download stage, run again for failed downloads whose retry falls due within the patience. */
    private StageResult downloads(long giveUp) {
        StageResult result = runUntilDone(collector, giveUp);
        while (result.status() == StageResult.Status.DONE && waitedFor(collector.untilNextRetry(), giveUp)) {
            result = runUntilDone(collector, giveUp);
        }
        return result;
    }

    /**
     * {@code downloads} with the parse stage beside them: analyses whose files are down are parsed while the rest
     * download, not all after the last one (in a backlog, parsing afterwards had added half again to the pass). What
     * this leaves, and any failure of it, the parse stage proper takes up after the downloads.
     */
    private StageResult parsingBeside(Supplier<StageResult> downloads) {
        AtomicBoolean downloading = new AtomicBoolean(true);
        Thread parsing = new Thread(() -> {
            AnalysisIndexer.Tally tally = new AnalysisIndexer.Tally(0, 0);
            try {
                while (downloading.get()) {
                    AnalysisIndexer.Tally round = indexer.parseReady();
                    tally = tally.plus(round);
                    if (round.parsed() + round.failed() == 0 && !slept(PARSE_BESIDE_WAIT)) {
                        break;
                    }
                }
            } catch (RuntimeException e) {
                log.debug("event=parse-beside-downloads-ended error=\"{}\"", e.getMessage());
            }
            tally.log(" detail=\"beside the downloads\"");
        }, "tg-parse");
        parsing.setDaemon(true);
        parsing.start();
        try {
            return downloads.get();
        } finally {
            downloading.set(false);
            try {
                parsing.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private StageResult runUntilDone(Stage stage, long giveUp) {
        StageResult result = runner.run(stage);
        Optional<RuntimeException> lastFailure = result.failure();
        while (result.status() != StageResult.Status.DONE && worthRetrying(lastFailure) && waitedToTryAgain(giveUp)) {
            result = runner.run(stage);
            if (result.failure().isPresent()) {
                lastFailure = result.failure();
            }
        }
        if (result.status() == StageResult.Status.SKIPPED) {
            return StageResult.failed(stage.name(), lastFailure.orElseGet(() -> new ApiUnavailable(
                    "every call to Threat Grid stayed paused for harvester.once.patience", Optional.empty())));
        }
        return result;
    }

    /** The names of the stages of a pass, in their order. */
    public List<String> stageNames() {
        return stages().stream().map(Stage::name).toList();
    }

    private List<Stage> stages() {
        return List.of(fetcher, stateChecker, collector, indexer);
    }

    /**
     * A passing fault, or a pause: not what only an operator or a local fix can end (a refused key, an untrusted
     * certificate, a request the server rejects as such, a database failure).
     */
    private static boolean worthRetrying(Optional<RuntimeException> failure) {
        return failure.map(f -> f instanceof ApiException && !(f instanceof AuthenticationFailed)
                && !(f instanceof ServerNotTrusted) && !(f instanceof RequestRejected)).orElse(true);
    }

    /**
     * Waits before a failed or paused stage runs again: out the pause in force, else a moment, never past the
     * patience; false once no patience is left.
     */
    private boolean waitedToTryAgain(long giveUp) {
        Duration left = Duration.ofNanos(giveUp - System.nanoTime());
        if (left.isNegative() || left.isZero()) {
            return false;
        }
        Duration wait = runner.pausedUntil().map(until -> Duration.between(clock.instant(), until))
                .orElse(ONCE_RETRY_WAIT);
        return slept(wait.compareTo(left) < 0 ? wait : left);
    }

    /** Waits until {@code due} if that comes within the patience left; false when nothing is due in time. */
    private static boolean waitedFor(Optional<Duration> due, long giveUp) {
        return due.isPresent() && due.get().toNanos() < giveUp - System.nanoTime() && slept(due.get());
    }

    private static boolean slept(Duration wait) {
        try {
            Thread.sleep(Math.max(0, wait.toMillis()));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Asks running stages to end soon (shutdown); their unfinished work stays in the database. */
    void stopStages() {
        runner.stopping();
        stages().forEach(Stage::stop);
        // After the stages know they are stopping, so that a cut download is not recorded as failed.
        client.cancelCalls();
    }

    /** When the pause of every call to Threat Grid ends, while one is in force. */
    public Optional<Instant> pausedUntil() {
        return runner.pausedUntil();
    }

    /** Read queries on this harvester's database (status, per-user statistics). */
    public Queries queries() {
        return new Queries(db);
    }

    /** The queries behind the reports, on this harvester's database. */
    public ReportQueries reportQueries() {
        return new ReportQueries(db);
    }

    StageRunner runner() {
        return runner;
    }

    SampleFetcher fetcher() {
        return fetcher;
    }

    StateChecker stateChecker() {
        return stateChecker;
    }

    ArtifactCollector collector() {
        return collector;
    }

    AnalysisIndexer indexer() {
        return indexer;
    }

    @Override
    public void close() {
        db.close();
        lock.close();
    }
}
