package io.tgharvester.pipeline;

import io.tgharvester.analyze.AnalyzedSample;
import io.tgharvester.analyze.AnalyzerPlugins;
import io.tgharvester.analyze.AnalyzerResult;
import io.tgharvester.analyze.SampleAnalyzer;
import io.tgharvester.config.Durations;
import io.tgharvester.store.AnalyzerStore;
import io.tgharvester.store.AnalyzerTask;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The analyze stage: hands every newly completed sample to each analyzer once, and again after a failed call when its
 * retry is due, until the attempts are spent. Each analyzer runs on a thread of its own with a time limit, so one that
 * throws, hangs or breaks only records failures against itself: the harvest and the other analyzers go on.
 */
public final class SampleAnalysis implements Stage, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SampleAnalysis.class);
    private static final int BATCH = 50;
    /**
     * How far before its last complete round an analyzer looks again: a download or parse stamped just before the
     * round began may have been committed after the round read it; and a clock set back by less than this between
     * two rounds loses nothing.
     */
    private static final Duration OVERLAP = Duration.ofMinutes(10);

    private final Path dataDir;
    private final AnalyzerStore store;
    private final Map<String, SampleAnalyzer> analyzers;
    private final RetryDelay retryDelay;
    private final int attempts;
    private final Duration timeout;
    private final Clock clock;
    /** One thread per analyzer, so its calls never overlap and a hung one holds up only itself. */
    private final Map<String, ExecutorService> threads = new LinkedHashMap<>();
    /**
     * Whether each analyzer's thread is inside a call: after a call outlived its time limit it may still be, and the
     * analyzer gets no other call until it has come back.
     */
    private final Map<String, AtomicBoolean> busy = new HashMap<>();
    private volatile Future<?> current;
    private volatile boolean stopping;

    /** A call that did not give a result, with the reason to record. */
    private static final class CallFailed extends Exception {
        CallFailed(String reason) {
            super(reason);
        }
    }

    public SampleAnalysis(Path dataDir, AnalyzerStore store, Map<String, SampleAnalyzer> analyzers,
                          RetryDelay retryDelay, int attempts, Duration timeout, Clock clock) {
        this.dataDir = dataDir;
        this.store = store;
        this.analyzers = Map.copyOf(analyzers);
        this.retryDelay = retryDelay;
        this.attempts = attempts;
        this.timeout = timeout;
        this.clock = clock;
        for (String name : analyzers.keySet()) {
            threads.put(name, Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "analyzer-" + name);
                thread.setDaemon(true);
                return thread;
            }));
            busy.put(name, new AtomicBoolean());
        }
    }

    @Override
    public String name() {
        return "analyze";
    }

    /** Records when analyzers run for the first time; they are given the samples that complete from now on. */
    public void register() {
        store.register(analyzers.keySet(), clock.instant());
    }

    @Override
    public int run() {
        for (String name : threads.keySet()) {
            if (stopping) {
                break;
            }
            if (busy.get(name).get()) {
                log.debug("event=analyzer-skipped analyzer={} detail=\"a call that timed out is still running\"", name);
                continue;
            }
            analyzeDue(name, analyzers.get(name));
        }
        return 0;
    }

    /**
     * One round of an analyzer: the failed calls due again, and the samples whose downloads or parse changed since
     * its last complete round (less {@link #OVERLAP}). Only a round that went through all of them moves that mark.
     */
    private void analyzeDue(String name, SampleAnalyzer analyzer) {
        Instant now = clock.instant();
        Instant scannedTo = store.scannedTo(name);
        Instant changedSince = (scannedTo.isBefore(now) ? scannedTo : now).minus(OVERLAP);
        int done = 0;
        int failed = 0;
        String after = "";
        List<AnalyzerTask> tasks;
        // Every task leaves a result that is done, or due only after `now`, and ids only grow: the loop ends.
        while (!stopping && !busy.get(name).get()
                && !(tasks = store.due(name, now, changedSince, after, BATCH)).isEmpty()) {
            for (AnalyzerTask task : tasks) {
                if (stopping || busy.get(name).get()) {
                    break;
                }
                if (analyzed(name, analyzer, task, failed == 0)) {
                    done++;
                } else {
                    failed++;
                }
                after = task.sample().id();
            }
        }
        if (!stopping && !busy.get(name).get()) {
            store.scanned(name, now);
        }
        if (done + failed > 0) {
            log.info("event=samples-analyzed analyzer={} done={} failed={}", name, done, failed);
        }
    }

    /**
     * One call of {@code analyzer} for the task's sample, its outcome recorded; true when it gave a result. A failure
     * is logged at WARN when it is the round's first for this analyzer, else at DEBUG: the round's summary counts them.
     */
    private boolean analyzed(String name, SampleAnalyzer analyzer, AnalyzerTask task, boolean firstFailure) {
        String id = task.sample().id();
        int attempt = task.attempts() + 1;
        Optional<Instant> retryAt = attempt < attempts
                ? Optional.of(clock.instant().plus(retryDelay.after(task.attempts()))) : Optional.empty();
        store.begin(id, name, attempt, retryAt);
        Map<String, Path> artifacts = new HashMap<>();
        task.artifactPaths().forEach((artifact, path) ->
                artifacts.put(artifact, dataDir.resolve(path).toAbsolutePath()));
        try {
            AnalyzerResult result = call(name, analyzer, new AnalyzedSample(task.sample(), task.scores(), artifacts,
                    attempt));
            store.done(id, name, result, clock.instant());
            log.debug("event=sample-analyzed analyzer={} sample={} tags={} rows={}", name, id, result.tags(),
                    result.rows().size());
            return true;
        } catch (CallFailed e) {
            store.failed(id, name, e.getMessage(), retryAt);
            log.atLevel(firstFailure ? Level.WARN : Level.DEBUG).log(
                    "event=analyzer-failed analyzer={} sample={} attempt={}/{} retry={} error=\"{}\"", name, id,
                    attempt, attempts, retryAt.map(Instant::toString).orElse("never"), e.getMessage());
            return false;
        }
    }

    private AnalyzerResult call(String name, SampleAnalyzer analyzer, AnalyzedSample sample) throws CallFailed {
        AtomicBoolean inCall = busy.get(name);
        Future<AnalyzerResult> call = threads.get(name).submit(() -> {
            inCall.set(true);
            try {
                // Libraries a plugin brings may look for their resources through the context class loader.
                Thread.currentThread().setContextClassLoader(analyzer.getClass().getClassLoader());
                return analyzer.analyze(sample);
            } finally {
                inCall.set(false);
            }
        });
        current = call;
        try {
            AnalyzerResult result = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (result == null) {
                throw new CallFailed("analyze() returned null; return AnalyzerResult.none() for no findings");
            }
            return result;
        } catch (ExecutionException e) {
            // Whatever the analyzer threw, errors included: its own thread has ended the call, the harvest goes on.
            throw new CallFailed(AnalyzerPlugins.describe(e.getCause()));
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new CallFailed("the call did not end within " + Durations.format(timeout)
                    + " (harvester.analyze.timeout)");
        } catch (CancellationException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                call.cancel(true);
                Thread.currentThread().interrupt();
            }
            throw new CallFailed("the call was cut short: the harvester is stopping");
        } finally {
            current = null;
        }
    }

    @Override
    public void stop() {
        stopping = true;
        Future<?> running = current;
        if (running != null) {
            running.cancel(true);
        }
    }

    @Override
    public void close() {
        threads.values().forEach(ExecutorService::shutdownNow);
    }
}
