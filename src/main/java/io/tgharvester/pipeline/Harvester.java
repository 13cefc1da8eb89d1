package io.tgharvester.pipeline;

import io.tgharvester.api.ApiException;
import io.tgharvester.api.ApiUnavailable;
import io.tgharvester.api.AuthenticationFailed;
import io.tgharvester.api.CallStats;
import io.tgharvester.api.ProxyRefused;
import io.tgharvester.api.RequestRejected;
import io.tgharvester.api.ServerNotTrusted;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.artifacts.ArtifactFiles;
import io.tgharvester.config.ConnectionConfig;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.correlate.AnalysisParser;
import io.tgharvester.store.CorrelationStore;
import io.tgharvester.store.DataDirLock;
import io.tgharvester.store.Database;
import io.tgharvester.store.JobRunStore;
import io.tgharvester.store.ParseStateStore;
import io.tgharvester.store.Queries;
import io.tgharvester.store.ReportQueries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline of one data dir, wired: it holds the data dir's lock, the database, each connection's fetch, state and
 * download stages ({@link ConnectionPipeline}) and the parse stage they share. Used for one pass ({@link #runOnce()})
 * or by {@link HarvestScheduler} for the daemon.
 */
public final class Harvester implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Harvester.class);
    /** Between two tries of a stage in {@link #runOnce} when no pause is in force. */
    private static final Duration ONCE_RETRY_WAIT = Duration.ofSeconds(1);
    /** The parse stage calls no server: its back-off never sees a call, so it never pauses. */
    private static final CallStats.Window NO_CALLS = new CallStats.Window(0, 0, 0);

    private final DataDirLock lock;
    private final Database db;
    private final List<ConnectionPipeline> connections;
    private final StageRunner parseRunner;
    private final AnalysisIndexer indexer;
    private final Clock clock;
    /** How long {@link #runOnce} keeps each connection's stages going through passing faults and pauses. */
    private final Duration patience;

    private Harvester(DataDirLock lock, Database db, List<ConnectionPipeline> connections, StageRunner parseRunner,
                      AnalysisIndexer indexer, Clock clock, Duration patience) {
        this.lock = lock;
        this.db = db;
        this.connections = List.copyOf(connections);
        this.parseRunner = parseRunner;
        this.indexer = indexer;
        this.clock = clock;
        this.patience = patience;
    }

    /** A harvester of the default connection alone, through {@code client}. */
    public static Harvester open(HarvesterConfig config, ThreatGridClient client, Clock clock) {
        return open(config, Map.of(ConnectionConfig.DEFAULT, client), clock);
    }

    /**
     * Locks the data dir, opens and migrates its database, and clears what an interrupted download left; then wires
     * the stages of each connection (alias to its client, in the order given) and the shared parse stage.
     */
    public static Harvester open(HarvesterConfig config, Map<String, ThreatGridClient> clients, Clock clock) {
        if (clients.isEmpty()) {
            throw new IllegalArgumentException("a harvester needs at least one connection");
        }
        DataDirLock lock = DataDirLock.acquire(config.dataDir());
        try {
            Database db = Database.open(config.dataDir());
            ArtifactFiles files = new ArtifactFiles(config.dataDir());
            int leftovers = files.removeLeftovers();
            if (leftovers > 0) {
                log.info("event=partial-downloads-removed count={} detail=\"they will be downloaded again\"",
                        leftovers);
            }
            List<ConnectionPipeline> pipelines = new ArrayList<>();
            clients.forEach((alias, client) -> pipelines.add(ConnectionPipeline.of(alias, client, config, db, files,
                    clock)));
            StageRunner parseRunner = new StageRunner(new JobRunStore(db), new ServerBackoff(clock, new Random(),
                    config.backoffBase(), config.backoffMax(), () -> NO_CALLS), clock, () -> { });
            return new Harvester(lock, db, pipelines, parseRunner, indexer(config.dataDir(), db, clock), clock,
                    config.oncePatience());
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
     * One full pass: each connection's fetch, state check and downloads, then parsing. A stage that fails on a passing
     * fault, or finds its connection's calls paused, runs again (after the pause, or a short wait) until it succeeds
     * or {@code patience} has passed since that connection's turn began; then, or on a refused key, an untrusted
     * certificate, a proxy refusal or a local failure, that connection's pass ends there with that stage's failure,
     * and the next connection has its turn. Downloads that failed in the pass are tried again when their retry falls
     * due within the patience, so a pass through passing faults ends with every artifact it could get. Parsing runs
     * when at least one connection got through its downloads.
     */
    public List<StageResult> runOnce() {
        List<StageResult> results = new ArrayList<>();
        boolean anyDownloaded = false;
        for (ConnectionPipeline connection : connections) {
            long giveUp = System.nanoTime() + patience.toNanos();
            for (Stage stage : connection.stages()) {
                StageResult result = runUntilDone(connection.runner(), stage, giveUp);
                while (stage == connection.download() && result.status() == StageResult.Status.DONE
                        && waitedFor(connection.collector().untilNextRetry(), giveUp)) {
                    result = runUntilDone(connection.runner(), stage, giveUp);
                }
                results.add(result);
                if (result.status() != StageResult.Status.DONE) {
                    break;
                }
                anyDownloaded |= stage == connection.download();
            }
        }
        if (anyDownloaded) {
            results.add(runUntilDone(parseRunner, indexer, System.nanoTime() + patience.toNanos()));
        }
        return results;
    }

    private StageResult runUntilDone(StageRunner runner, Stage stage, long giveUp) {
        StageResult result = runner.run(stage);
        Optional<RuntimeException> lastFailure = result.failure();
        while (result.status() != StageResult.Status.DONE && worthRetrying(lastFailure)
                && waitedToTryAgain(runner, giveUp)) {
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
        List<String> names = new ArrayList<>();
        connections.forEach(c -> c.stages().forEach(stage -> names.add(stage.name())));
        names.add(indexer.name());
        return names;
    }

    /** The aliases of the connections this harvester harvests, in their order. */
    public List<String> connectionAliases() {
        return connections.stream().map(ConnectionPipeline::alias).toList();
    }

    /**
     * A passing fault, or a pause: not what only an operator or a local fix can end (a refused key, an untrusted
     * certificate, a proxy refusal, a request the server rejects as such, a database failure).
     */
    private static boolean worthRetrying(Optional<RuntimeException> failure) {
        return failure.map(f -> f instanceof ApiException && !(f instanceof AuthenticationFailed)
                && !(f instanceof ServerNotTrusted) && !(f instanceof RequestRejected)
                && !(f instanceof ProxyRefused)).orElse(true);
    }

    /**
     * Waits before a failed or paused stage runs again: out the pause in force, else a moment, never past the
     * patience; false once no patience is left.
     */
    private boolean waitedToTryAgain(StageRunner runner, long giveUp) {
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
        parseRunner.stopping();
        connections.forEach(c -> c.runner().stopping());
        indexer.stop();
        connections.forEach(c -> c.stages().forEach(Stage::stop));
        // After the stages know they are stopping, so that a cut download is not recorded as failed.
        connections.forEach(c -> c.client().cancelCalls());
    }

    /** Read queries on this harvester's database (status, per-user statistics). */
    public Queries queries() {
        return new Queries(db);
    }

    /** The queries behind the reports, on this harvester's database. */
    public ReportQueries reportQueries() {
        return new ReportQueries(db);
    }

    /** The stages of the connection of this alias. */
    ConnectionPipeline connection(String alias) {
        return connections.stream().filter(c -> c.alias().equals(alias)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no connection " + alias + " in this harvester"));
    }

    List<ConnectionPipeline> connections() {
        return connections;
    }

    StageRunner parseRunner() {
        return parseRunner;
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
