package io.tgharvester.pipeline;

import io.tgharvester.api.ApiException;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.store.Database;
import io.tgharvester.store.JobRunStore;
import io.tgharvester.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a stage unless the shared back-off pauses all calls, records the outcome in job_runs, and logs one line per
 * incident: the first failure of a streak at WARN, repeats at DEBUG, and the recovery at INFO.
 */
public final class StageRunner {
    private static final Logger log = LoggerFactory.getLogger(StageRunner.class);

    private final JobRunStore runs;
    private final ServerBackoff backoff;
    private final Clock clock;
    /** A cheap call to Threat Grid, made after a pause before any stage's own calls. */
    private final Runnable probe;
    private final StageObserver observer;
    private volatile boolean stopping;

    public StageRunner(JobRunStore runs, ServerBackoff backoff, Clock clock, Runnable probe, StageObserver observer) {
        this.runs = runs;
        this.backoff = backoff;
        this.clock = clock;
        this.probe = probe;
        this.observer = observer;
    }

    /**
     * The runner of the stages that call Threat Grid through {@code client}: its back-off judges that client's calls;
     * {@code observer} is told of every run.
     */
    static StageRunner of(ThreatGridClient client, HarvesterConfig config, Database db, Clock clock,
                          StageObserver observer) {
        return new StageRunner(new JobRunStore(db), new ServerBackoff(clock, new Random(), config.backoffBase(),
                config.backoffMax(), client::recentCalls), clock, client::probe, observer);
    }

    /**
     * From now on a stage that fails is reported as stopped: on shutdown the database may close under a running
     * stage (H2 closes it from its own shutdown hook), and what the stage did not store is simply done next start.
     */
    void stopping() {
        stopping = true;
    }

    /** When the pause of all calls ends, if one is in force. */
    Optional<Instant> pausedUntil() {
        return backoff.blockedUntil();
    }

    /**
     * When a stage that failed on a passing fault, with no pause in force, runs again: after a second, doubling with
     * each failure in a row of this runner's calls, at most an hour.
     */
    Duration againAfterFailure() {
        int streak = Math.max(1, backoff.failureStreak());
        Duration wait = StagePatience.RETRY_WAIT.multipliedBy(1L << Math.min(streak - 1, 12));
        return wait.compareTo(Duration.ofHours(1)) < 0 ? wait : Duration.ofHours(1);
    }

    /** How long the pause of all calls in force lasts from now, if one is. */
    Optional<Duration> pauseLeft() {
        return pausedUntil().map(until -> Duration.between(clock.instant(), until));
    }

    public StageResult run(Stage stage) {
        long start = System.nanoTime();
        StageResult result = runUnlessPaused(stage);
        observer.ran(result, Duration.ofNanos(System.nanoTime() - start));
        return result;
    }

    private StageResult runUnlessPaused(Stage stage) {
        Optional<Instant> blocked = backoff.blockedUntil();
        if (blocked.isPresent()) {
            log.debug("event=stage-skipped stage={} backoff_until={}", stage.name(), blocked.get());
            return StageResult.skipped(stage.name());
        }
        try {
            if (backoff.probeDue()) {
                probe.run();
                log.info("event=recovered probe=ok after_failures={}", backoff.succeeded());
            }
            int newSuccesses = stage.run();
            runs.succeeded(stage.name(), clock.instant());
            int ended = backoff.succeeded();
            if (ended > 0) {
                log.info("event=recovered stage={} after_failures={}", stage.name(), ended);
            }
            return StageResult.done(stage.name(), newSuccesses);
        } catch (RuntimeException e) {
            if (stopping) {
                log.info("event=stage-stopped stage={} detail=\"cut short by shutdown; resumes at next start\"",
                        stage.name());
                return StageResult.failed(stage.name(), e);
            }
            return failed(stage, e);
        }
    }

    private StageResult failed(Stage stage, RuntimeException e) {
        recordFailure(stage, e);
        if (e instanceof ApiException failure) {
            Optional<Duration> pause = backoff.failed(failure);
            String next = pause.map(wait -> "all calls pause " + wait.toSeconds() + "s").orElse("next run");
            if (backoff.failureStreak() == 1) {
                log.warn("event=stage-failed stage={} retry=\"{}\" error=\"{}\"", stage.name(), next, e.getMessage());
            } else {
                log.debug("event=stage-failed stage={} streak={} retry=\"{}\" error=\"{}\"",
                        stage.name(), backoff.failureStreak(), next, e.getMessage());
            }
        } else if (e instanceof StoreException) {
            log.error("event=stage-failed stage={} error=\"{}\"", stage.name(), e.getMessage());
        } else {
            // A defect, not an outage: keep the trace, and keep the schedule running.
            log.error("event=stage-failed stage={} error=\"{}\"", stage.name(), e, e);
        }
        return StageResult.failed(stage.name(), e);
    }

    private void recordFailure(Stage stage, RuntimeException e) {
        try {
            runs.failed(stage.name(), clock.instant(), e.getMessage() == null ? e.toString() : e.getMessage());
        } catch (StoreException storeDown) {
            log.debug("event=job-run-not-recorded stage={} error=\"{}\"", stage.name(), storeDown.getMessage());
        }
    }
}
