package io.tgharvester.pipeline;

import io.tgharvester.analyze.AlertAnalyzer;
import io.tgharvester.analyze.AnalyzerContext;
import io.tgharvester.analyze.AnalyzerPlugins;
import io.tgharvester.analyze.SampleAnalyzer;
import io.tgharvester.api.CallStats;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.artifacts.ArtifactFiles;
import io.tgharvester.config.ConnectionConfig;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.correlate.AnalysisParser;
import io.tgharvester.store.AnalyzerStore;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline of one data dir, wired: it holds the data dir's lock, the database, each connection's fetch, state and
 * download stages ({@link ConnectionPipeline}), and the parse and analyze stages they share with the analyzers. Used
 * for one pass ({@link #runOnce()}) or by {@link HarvestScheduler} for the daemon.
 */
public final class Harvester implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Harvester.class);
    /** The parse and analyze stages call no server: their back-off never sees a call, so it never pauses. */
    private static final CallStats.Window NO_CALLS = new CallStats.Window(0, 0, 0);

    private final Optional<DataDirLock> lock;
    private final Database db;
    private final List<ConnectionPipeline> connections;
    /** Runs the stages that call no server: parse and analyze. */
    private final StageRunner localRunner;
    private final AnalysisIndexer indexer;
    private final AnalyzerPlugins plugins;
    private final SampleAnalysis analysis;
    /** How long {@link #runOnce} keeps each connection's stages going through passing faults and pauses. */
    private final Duration oncePatience;
    private final StagePatience patience;

    private Harvester(Optional<DataDirLock> lock, Database db, List<ConnectionPipeline> connections,
                      StageRunner localRunner, AnalysisIndexer indexer, AnalyzerPlugins plugins,
                      SampleAnalysis analysis, Clock clock, Duration patience) {
        this.lock = lock;
        this.db = db;
        this.connections = List.copyOf(connections);
        this.localRunner = localRunner;
        this.indexer = indexer;
        this.plugins = plugins;
        this.analysis = analysis;
        this.oncePatience = patience;
        this.patience = new StagePatience(clock);
    }

    /** A harvester of the default connection alone, through {@code client}. */
    public static Harvester open(HarvesterConfig config, ThreatGridClient client, Clock clock) {
        return open(config, client, clock, StageObserver.NONE);
    }

    /** As {@link #open(HarvesterConfig, ThreatGridClient, Clock)}, telling {@code observer} of every stage run. */
    public static Harvester open(HarvesterConfig config, ThreatGridClient client, Clock clock,
                                 StageObserver observer) {
        return open(config, Map.of(ConnectionConfig.DEFAULT, client), clock, observer);
    }

    /** A harvester of several connections: alias to its client, in the order given. */
    public static Harvester open(HarvesterConfig config, Map<String, ThreatGridClient> clients, Clock clock) {
        return open(config, clients, clock, StageObserver.NONE);
    }

    /**
     * Locks the data dir, opens and migrates its database, and clears what an interrupted download left; then wires
     * the stages of each connection (alias to its client, in the order given), the shared parse stage and the
     * analyzers, all telling {@code observer} of every stage run.
     */
    public static Harvester open(HarvesterConfig config, Map<String, ThreatGridClient> clients, Clock clock,
                                 StageObserver observer) {
        if (clients.isEmpty()) {
            throw new IllegalArgumentException("a harvester needs at least one connection");
        }
        // Nodes sharing a PostgreSQL database share the data dir too: their claims and Quartz keep them apart.
        Optional<DataDirLock> lock = config.database().shared() ? Optional.empty()
                : Optional.of(DataDirLock.acquire(config.dataDir()));
        try {
            Database db = Database.open(config);
            ArtifactFiles files = config.database().shared()
                    ? ArtifactFiles.ofNode(config.dataDir(), config.database().nodeId())
                    : new ArtifactFiles(config.dataDir());
            int leftovers = files.removeLeftovers();
            if (leftovers > 0) {
                log.info("event=partial-downloads-removed count={} detail=\"they will be downloaded again\"",
                        leftovers);
            }
            List<ConnectionPipeline> pipelines = new ArrayList<>();
            clients.forEach((alias, client) -> pipelines.add(ConnectionPipeline.of(alias, client, config, db, files,
                    clock, observer)));
            StageRunner localRunner = new StageRunner(new JobRunStore(db), new ServerBackoff(clock, new Random(),
                    config.backoffBase(), config.backoffMax(), () -> NO_CALLS), clock, () -> { }, observer);
            AnalyzerPlugins plugins = analyzers(config, clock);
            SampleAnalysis analysis = new SampleAnalysis(config.dataDir(), new AnalyzerStore(db), plugins.analyzers(),
                    new RetryDelay(config.analyzers().retryBase(), config.analyzers().retryMax(), new Random()),
                    config.analyzers().attempts(), config.analyzers().timeout(), clock);
            analysis.register();
            return new Harvester(lock, db, pipelines, localRunner, indexer(config.dataDir(), db, clock), plugins,
                    analysis, clock, config.oncePatience());
        } catch (IOException e) {
            lock.ifPresent(DataDirLock::close);
            throw new UncheckedIOException("cannot clean the artifacts directory", e);
        } catch (RuntimeException e) {
            lock.ifPresent(DataDirLock::close);
            throw e;
        }
    }

    /** The built-in analyzers that are configured, the classpath's and those in the plugins dir, opened. */
    private static AnalyzerPlugins analyzers(HarvesterConfig config, Clock clock) {
        List<SampleAnalyzer> builtIns = config.analyzers().alert()
                .<List<SampleAnalyzer>>map(rule -> List.of(new AlertAnalyzer(rule, config.dataDir(), clock)))
                .orElse(List.of());
        return AnalyzerPlugins.load(builtIns,
                new AnalyzerContext(config.dataDir(), config.analyzers().pluginsDir(), clock));
    }

    /** The parse stage of the data dir {@code db} belongs to; {@code reindex} uses it beside a running daemon. */
    public static AnalysisIndexer indexer(Path dataDir, Database db, Clock clock) {
        return new AnalysisIndexer(dataDir, new ParseStateStore(db), new CorrelationStore(db), new AnalysisParser(),
                clock);
    }

    /**
     * One full pass: each connection's fetch, state check and downloads, then parsing, then the analyzers. A stage
     * that fails on a passing fault, or finds its connection's calls paused, runs again (after the pause, or a short
     * wait) until it succeeds or {@code patience} has passed since that connection's turn began; then, or on a
     * refused key, an untrusted certificate, a proxy refusal or a local failure, that connection's pass ends there
     * with that stage's failure, and the next connection has its turn. Downloads that failed in the pass are tried
     * again when their retry falls due within the patience, so a pass through passing faults ends with every artifact
     * it could get. Analyses are parsed beside the downloads, from the first connection's until the last connection's
     * turn ends ({@link ParsingBeside}); the parse stage proper runs after them all, when at least one connection got
     * through its downloads, for what that left; once that is done, the analyze stage, one for all connections.
     */
    public List<StageResult> runOnce() {
        List<StageResult> results = new ArrayList<>();
        boolean anyDownloaded = false;
        try (ParsingBeside parsing = new ParsingBeside(indexer)) {
            for (ConnectionPipeline connection : connections) {
                long giveUp = System.nanoTime() + oncePatience.toNanos();
                for (Stage stage : connection.stages()) {
                    StageResult result;
                    if (stage == connection.download()) {
                        parsing.start(connection.collector());
                        result = downloads(connection, giveUp);
                    } else {
                        result = patience.runUntilDone(connection.runner(), stage, giveUp);
                    }
                    results.add(result);
                    if (result.status() != StageResult.Status.DONE) {
                        break;
                    }
                    anyDownloaded |= stage == connection.download();
                }
            }
        }
        if (anyDownloaded) {
            StageResult parsed = runLocal(indexer);
            results.add(parsed);
            if (parsed.status() == StageResult.Status.DONE) {
                results.add(runLocal(analysis));
            }
        }
        return results;
    }

    /** A stage that calls no server, with the patience of a pass of its own. */
    private StageResult runLocal(Stage stage) {
        return patience.runUntilDone(localRunner, stage, System.nanoTime() + oncePatience.toNanos());
    }

    /** A connection's download stage, run again for failed downloads whose retry falls due within the patience. */
    private StageResult downloads(ConnectionPipeline connection, long giveUp) {
        StageResult result = patience.runUntilDone(connection.runner(), connection.download(), giveUp);
        while (result.status() == StageResult.Status.DONE
                && StagePatience.waitedFor(connection.collector().untilNextRetry(), giveUp)) {
            result = patience.runUntilDone(connection.runner(), connection.download(), giveUp);
        }
        return result;
    }

    /** The names of the stages of a pass, in their order. */
    public List<String> stageNames() {
        List<String> names = new ArrayList<>();
        connections.forEach(c -> c.stages().forEach(stage -> names.add(stage.name())));
        names.add(indexer.name());
        names.add(analysis.name());
        return names;
    }

    /** The aliases of the connections this harvester harvests, in their order. */
    public List<String> connectionAliases() {
        return connections.stream().map(ConnectionPipeline::alias).toList();
    }

    /** Asks running stages to end soon (shutdown); their unfinished work stays in the database. */
    void stopStages() {
        localRunner.stopping();
        connections.forEach(c -> c.runner().stopping());
        indexer.stop();
        analysis.stop();
        connections.forEach(c -> c.stages().forEach(Stage::stop));
        // After the stages know they are stopping, so that a cut download is not recorded as failed.
        connections.forEach(c -> c.client().cancelCalls());
    }

    /**
     * When the pause of every call to Threat Grid ends, while one is in force: while every connection's calls are
     * paused (each connection has a back-off of its own), the first of them to resume.
     */
    public Optional<Instant> pausedUntil() {
        List<Optional<Instant>> pauses = connections.stream().map(c -> c.runner().pausedUntil()).toList();
        return pauses.stream().allMatch(Optional::isPresent)
                ? pauses.stream().map(Optional::get).min(Comparator.naturalOrder()) : Optional.empty();
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

    StageRunner localRunner() {
        return localRunner;
    }

    AnalysisIndexer indexer() {
        return indexer;
    }

    SampleAnalysis analysis() {
        return analysis;
    }

    @Override
    public void close() {
        analysis.close();
        plugins.close();
        db.close();
        lock.ifPresent(DataDirLock::close);
    }
}
