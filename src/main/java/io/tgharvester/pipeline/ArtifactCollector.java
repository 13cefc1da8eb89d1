package io.tgharvester.pipeline;

import io.tgharvester.api.ArtifactStream;
import io.tgharvester.api.MalformedResponse;
import io.tgharvester.api.RequestRejected;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.artifacts.ArtifactFiles;
import io.tgharvester.artifacts.StoredArtifact;
import io.tgharvester.store.ArtifactStore;
import io.tgharvester.store.ArtifactTask;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads every due artifact, {@code concurrency} at a time. Failures of one artifact (a cut stream, a refused
 * name) are recorded on its row and retried later with doubling delays; failures of the server (auth, 429, 5xx) end
 * the round, as the rest would fail the same way: downloads already running finish, no new one starts.
 */
public final class ArtifactCollector implements Stage {
    private static final Logger log = LoggerFactory.getLogger(ArtifactCollector.class);
    private static final int BATCH = 50;

    private final ThreatGridClient client;
    private final ArtifactStore store;
    private final ArtifactFiles files;
    private final Clock clock;
    private final Duration retryBase;
    private final Duration retryMax;
    private final int concurrency;
    private volatile boolean stopping;
    /** The downloads in progress, so that {@link #stop()} can cut them off even while a read blocks. */
    private final Set<ArtifactStream> inFlight = ConcurrentHashMap.newKeySet();

    public ArtifactCollector(ThreatGridClient client, ArtifactStore store, ArtifactFiles files, Clock clock,
                             Duration retryBase, Duration retryMax, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("download concurrency must be at least 1, not " + concurrency);
        }
        this.concurrency = concurrency;
        this.client = client;
        this.store = store;
        this.files = files;
        this.clock = clock;
        this.retryBase = retryBase;
        this.retryMax = retryMax;
    }

    @Override
    public String name() {
        return "download";
    }

    @Override
    public int run() {
        Instant roundStart = clock.instant();
        Tally tally = new Tally();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, task -> {
            Thread thread = new Thread(task, "tg-download");
            thread.setDaemon(true);
            return thread;
        });
        AtomicReference<RuntimeException> serverFailure = new AtomicReference<>();
        try {
            List<ArtifactTask> tasks;
            // Tasks failing in this round get a retry time after roundStart, so the loop cannot pick them up again.
            while (!stopping && serverFailure.get() == null && !(tasks = store.due(roundStart, BATCH)).isEmpty()) {
                List<Future<Result>> results = new ArrayList<>();
                for (ArtifactTask task : tasks) {
                    results.add(pool.submit(() -> downloadUnlessRoundEnded(task, serverFailure)));
                }
                for (Future<Result> result : results) {
                    tally.add(await(result));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        if (serverFailure.get() != null) {
            throw serverFailure.get();
        }
        if (tally.total() > 0) {
            log.info("event=downloads done={} absent={} failed={} bytes={}",
                    tally.done, tally.absent, tally.failed, tally.bytes);
        }
        return 0;
    }

    private Result downloadUnlessRoundEnded(ArtifactTask task, AtomicReference<RuntimeException> serverFailure) {
        if (stopping || serverFailure.get() != null) {
            return new Result(Kind.STOPPED, 0);
        }
        try {
            return download(task);
        } catch (RuntimeException e) {
            serverFailure.compareAndSet(null, e);
            return new Result(Kind.STOPPED, 0);
        }
    }

    private static Result await(Future<Result> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(Kind.STOPPED, 0);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a download failed unexpectedly", e.getCause());
        }
    }

    private Result download(ArtifactTask task) {
        try {
            Optional<ArtifactStream> opened = client.openArtifact(task.sampleId(), task.name());
            if (opened.isEmpty()) {
                store.markAbsent(task, clock.instant());
                log.debug("event=artifact-absent sample={} name={}", task.sampleId(), task.name());
                return new Result(Kind.ABSENT, 0);
            }
            StoredArtifact stored;
            try (ArtifactStream stream = opened.get()) {
                inFlight.add(stream);
                if (stopping) {
                    throw new IOException("stopping");
                }
                stored = files.save(task.sampleId(), task.name(), stream);
            } finally {
                inFlight.remove(opened.get());
            }
            store.markDone(task, stored.bytes(), stored.sha256(), stored.relativePath(), clock.instant());
            return new Result(Kind.DONE, stored.bytes());
        } catch (IOException e) {
            if (stopping) {
                log.info("event=download-stopped sample={} name={} detail=\"resumes at next start\"",
                        task.sampleId(), task.name());
                return new Result(Kind.STOPPED, 0);
            }
            return failed(task, e);
        } catch (MalformedResponse | RequestRejected | IllegalArgumentException e) {
            return failed(task, e);
        }
    }

    /** Cuts off the downloads in progress (their rows stay due) and ends the round. */
    @Override
    public void stop() {
        stopping = true;
        inFlight.forEach(stream -> stream.abort().run());
    }

    private Result failed(ArtifactTask task, Exception e) {
        Instant retryAt = clock.instant().plus(retryDelay(task.attempts()));
        store.markFailed(task, message(e), retryAt);
        log.warn("event=download-failed sample={} name={} attempt={} retry_at={} error=\"{}\"",
                task.sampleId(), task.name(), task.attempts() + 1, retryAt, message(e));
        return new Result(Kind.FAILED, 0);
    }

    /** retryBase doubled per earlier attempt, capped at retryMax. */
    Duration retryDelay(int attempts) {
        Duration delay = retryBase.multipliedBy(1L << Math.min(attempts, 30));
        return delay.compareTo(retryMax) > 0 || delay.isNegative() ? retryMax : delay;
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private enum Kind { DONE, ABSENT, FAILED, STOPPED }

    private record Result(Kind kind, long bytes) {
    }

    private static final class Tally {
        private int done;
        private int absent;
        private int failed;
        private long bytes;

        void add(Result result) {
            switch (result.kind()) {
                case DONE -> done++;
                case ABSENT -> absent++;
                case FAILED -> failed++;
                case STOPPED -> {
                }
            }
            bytes += result.bytes();
        }

        int total() {
            return done + absent + failed;
        }
    }
}
