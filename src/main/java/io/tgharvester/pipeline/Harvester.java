package io.tgharvester.pipeline;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline of one data dir, wired: it holds the data dir's lock, the database and the four stages. Used for one
 * pass ({@link #runOnce()}) or by {@link HarvestScheduler} for the daemon.
 */
public final class Harvester implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Harvester.class);

    private final DataDirLock lock;
    private final Database db;
    private final StageRunner runner;
    private final SampleFetcher fetcher;
    private final StateChecker stateChecker;
    private final ArtifactCollector collector;
    private final AnalysisIndexer indexer;

    private Harvester(DataDirLock lock, Database db, StageRunner runner, SampleFetcher fetcher,
                      StateChecker stateChecker, ArtifactCollector collector, AnalysisIndexer indexer) {
        this.lock = lock;
        this.db = db;
        this.runner = runner;
        this.fetcher = fetcher;
        this.stateChecker = stateChecker;
        this.collector = collector;
        this.indexer = indexer;
    }

    /** Locks the data dir, opens and migrates its database, and clears what an interrupted download left. */
    public static Harvester open(HarvesterConfig config, ThreatGridClient client, Clock clock) {
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
            return new Harvester(lock, db,
                    new StageRunner(new JobRunStore(db), new ServerBackoff(clock, new Random(),
                            config.backoffBase(), config.backoffMax()), clock),
                    new SampleFetcher(client, samples, clock, config.fetchOverlap(), config.initialLookback(),
                            config.pageSize()),
                    new StateChecker(client, samples, clock, config.staleAfter()),
                    new ArtifactCollector(client, new ArtifactStore(db), files, clock,
                            new RetryDelay(config.retryBase(), config.retryMax(), new Random()),
                            config.downloadConcurrency()),
                    indexer(config.dataDir(), db, clock));
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

    /** One full pass: fetch, state check, downloads, then parsing; stops at the first stage that fails. */
    public List<StageResult> runOnce() {
        List<StageResult> results = new ArrayList<>();
        for (Stage stage : List.<Stage>of(fetcher, stateChecker, collector, indexer)) {
            StageResult result = runner.run(stage);
            results.add(result);
            if (result.status() != StageResult.Status.DONE) {
                break;
            }
        }
        return results;
    }

    /** Asks running stages to end soon (shutdown); their unfinished work stays in the database. */
    void stopStages() {
        runner.stopping();
        List.<Stage>of(fetcher, stateChecker, collector, indexer).forEach(Stage::stop);
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
