package io.tgharvester.pipeline;

import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.artifacts.ArtifactFiles;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.store.ArtifactStore;
import io.tgharvester.store.Claimant;
import io.tgharvester.store.Database;
import io.tgharvester.store.SampleStore;
import java.time.Clock;
import java.util.List;
import java.util.Random;

/**
 * The stages of one connection: its fetch, state check and downloads, all through its own client, with its own
 * back-off, so that one organization's outage or refused key pauses nothing of another's.
 */
final class ConnectionPipeline {
    private final String alias;
    private final ThreatGridClient client;
    private final StageRunner runner;
    private final Stage fetch;
    private final Stage state;
    private final Stage download;
    private final ArtifactCollector collector;
    private final SucceededSignal succeeded;

    private ConnectionPipeline(String alias, ThreatGridClient client, StageRunner runner, Stage fetch, Stage state,
                               ArtifactCollector collector, SucceededSignal succeeded) {
        this.succeeded = succeeded;
        this.alias = alias;
        this.client = client;
        this.runner = runner;
        this.fetch = fetch;
        this.state = state;
        this.collector = collector;
        this.download = new ConnectionStage(collector, alias);
    }

    static ConnectionPipeline of(String alias, ThreatGridClient client, HarvesterConfig config, Database db,
                                 ArtifactFiles files, Clock clock, StageObserver observer) {
        SampleStore samples = new SampleStore(db, config.artifacts(), alias);
        SucceededSignal succeeded = new SucceededSignal();
        ArtifactStore artifacts = new ArtifactStore(db, alias,
                new Claimant(config.database().nodeId(), config.database().claimLease()));
        artifacts.releaseClaims();
        return new ConnectionPipeline(alias, client, StageRunner.of(client, config, db, clock, observer),
                new ConnectionStage(new SampleFetcher(client, samples, clock, config.fetchOverlap(),
                        config.initialLookback(), config.pageSize(), succeeded), alias),
                new ConnectionStage(new StateChecker(client, samples, clock, config.staleAfter()), alias),
                new ArtifactCollector(client, artifacts, files, clock,
                        new RetryDelay(config.retryBase(), config.retryMax(), new Random()),
                        config.downloadConcurrency()), succeeded);
    }

    /** Told when the fetch has stored newly succeeded samples and goes on listing. */
    SucceededSignal succeeded() {
        return succeeded;
    }

    String alias() {
        return alias;
    }

    ThreatGridClient client() {
        return client;
    }

    StageRunner runner() {
        return runner;
    }

    Stage fetch() {
        return fetch;
    }

    Stage state() {
        return state;
    }

    Stage download() {
        return download;
    }

    ArtifactCollector collector() {
        return collector;
    }

    /** Its stages in the order of a pass. */
    List<Stage> stages() {
        return List.of(fetch, state, download);
    }
}
