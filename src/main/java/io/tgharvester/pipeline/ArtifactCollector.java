package io.tgharvester.pipeline;

import io.tgharvester.api.ApiException;
import io.tgharvester.api.ApiUnavailable;
import io.tgharvester.api.MalformedResponse;
import io.tgharvester.api.RateLimited;
import io.tgharvester.api.RequestRejected;
import io.tgharvester.api.RetryWaits;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.artifacts.ArtifactFiles;
import io.tgharvester.artifacts.StoredArtifact;
import io.tgharvester.store.ArtifactStore;
import io.tgharvester.store.ArtifactTask;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads every due artifact, {@code concurrency} at a time. Failures of one artifact (a stream cut more often than
 * it can be resumed, a refused name, a call still failing after its own retries while the server answers most calls)
 * are recorded on its row and retried after a {@link RetryDelay}; failures of the server (a refused key, an untrusted
 * certificate, a Retry-After, a server that looks down) end the round, as the rest would fail the same way:
 * downloads already running finish, no new one starts.
 */
public final class ArtifactCollector implements Stage {
    private static final Logger log = LoggerFactory.getLogger(ArtifactCollector.class);
    private static final int BATCH = 50;
    /**
     * Downloads under way for each transfer slot: a download waiting out a retry gives its slot up, and another
     * transfers meanwhile.
     */
    private static final int DOWNLOADS_PER_SLOT = 4;

    private final ArtifactStore store;
    private final Clock clock;
    private final RetryDelay retryDelay;
    private final int concurrency;
    private final Transfers transfers = new Transfers();
    private final ArtifactDownload download;
    private final ThreatGridClient client;

    public ArtifactCollector(ThreatGridClient client, ArtifactStore store, ArtifactFiles files, Clock clock,
                             RetryDelay retryDelay, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("download concurrency must be at least 1, not " + concurrency);
        }
        this.concurrency = concurrency;
        this.store = store;
        this.clock = clock;
        this.retryDelay = retryDelay;
        this.download = new ArtifactDownload(client, files, transfers);
        this.client = client;
    }

    @Override
    public String name() {
        return "download";
    }

    @Override
    public int run() {
        Instant roundStart = clock.instant();
        Tally tally = new Tally();
        int downloads = concurrency * DOWNLOADS_PER_SLOT;
        Semaphore slots = new Semaphore(concurrency);
        ExecutorService pool = Executors.newFixedThreadPool(downloads, task -> {
            Thread thread = new Thread(task, "tg-download");
            thread.setDaemon(true);
            return thread;
        });
        CompletionService<Finished> finished = new ExecutorCompletionService<>(pool);
        AtomicReference<RuntimeException> serverFailure = new AtomicReference<>();
        try {
            // A new download starts as soon as one ends, rather than batch after batch: one that waits out a retry
            // never holds up the others. At most `concurrency` of them transfer at a time (slots).
            Deque<ArtifactTask> queued = new ArrayDeque<>();
            Set<String> running = new HashSet<>();
            while (true) {
                while (running.size() < downloads && !transfers.stopping() && serverFailure.get() == null) {
                    ArtifactTask task = next(queued, running, roundStart);
                    if (task == null) {
                        break;
                    }
                    running.add(key(task));
                    finished.submit(() -> new Finished(task, downloadUnlessRoundEnded(task, new Slot(slots),
                            serverFailure)));
                }
                Optional<Finished> done = running.isEmpty() ? Optional.empty() : await(finished);
                if (done.isEmpty()) {
                    break;
                }
                running.remove(key(done.get().task()));
                tally.add(done.get().result());
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

    /**
     * The next due task that is not running yet, or null when there is none. Tasks failing in this round get a retry
     * time after roundStart, so they are not picked up again.
     */
    private ArtifactTask next(Deque<ArtifactTask> queued, Set<String> running, Instant roundStart) {
        if (queued.isEmpty()) {
            store.due(roundStart, BATCH + running.size()).stream().filter(t -> !running.contains(key(t)))
                    .forEach(queued::add);
        }
        return queued.poll();
    }

    private static String key(ArtifactTask task) {
        return task.sampleId() + "/" + task.name();
    }

    private Result downloadUnlessRoundEnded(ArtifactTask task, Slot slot,
                                            AtomicReference<RuntimeException> serverFailure) {
        if (!slot.take() || transfers.stopping() || serverFailure.get() != null) {
            slot.release();
            return new Result(Kind.STOPPED, 0);
        }
        try {
            return download(task, slot);
        } catch (RuntimeException e) {
            if (passing(e)) {
                return failed(task, e);
            }
            serverFailure.compareAndSet(null, e);
            return new Result(Kind.STOPPED, 0);
        } finally {
            slot.release();
        }
    }

    /** A 5xx, 429 or lost connection left after the call's own retries, with no Retry-After, from a server that is up. */
    private boolean passing(RuntimeException e) {
        return e instanceof ApiException api && (api instanceof ApiUnavailable || api instanceof RateLimited)
                && api.retryAfter().isEmpty() && !client.recentCalls().serverDown();
    }

    /** The next download to end; empty when this thread is interrupted (shutting down). */
    private static Optional<Finished> await(CompletionService<Finished> finished) {
        try {
            return Optional.of(finished.take().get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a download failed unexpectedly", e.getCause());
        }
    }

    private Result download(ArtifactTask task, RetryWaits waits) {
        try {
            Optional<StoredArtifact> fetched = download.fetch(task.sampleId(), task.name(), waits);
            if (fetched.isEmpty()) {
                store.markAbsent(task, clock.instant());
                log.debug("event=artifact-absent sample={} name={}", task.sampleId(), task.name());
                return new Result(Kind.ABSENT, 0);
            }
            StoredArtifact stored = fetched.get();
            store.markDone(task, stored.bytes(), stored.sha256(), stored.relativePath(), clock.instant());
            return new Result(Kind.DONE, stored.bytes());
        } catch (IOException e) {
            if (transfers.stopping()) {
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
        transfers.stopAll();
    }

    /** How long until the first failed artifact is due again, if any is waiting (negative: it is due already). */
    Optional<Duration> untilNextRetry() {
        return store.nextRetryAt().map(at -> Duration.between(clock.instant(), at));
    }

    private Result failed(ArtifactTask task, Exception e) {
        Instant retryAt = clock.instant().plus(retryDelay.after(task.attempts()));
        store.markFailed(task, message(e), retryAt);
        log.warn("event=download-failed sample={} name={} attempt={} retry_at={} error=\"{}\"",
                task.sampleId(), task.name(), task.attempts() + 1, retryAt, message(e));
        return new Result(Kind.FAILED, 0);
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private enum Kind { DONE, ABSENT, FAILED, STOPPED }

    private record Result(Kind kind, long bytes) {
    }

    private record Finished(ArtifactTask task, Result result) {
    }

    /** One download's hold on a transfer slot, given up while it waits out a retry; used by one thread. */
    private static final class Slot implements RetryWaits {
        private final Semaphore slots;
        private boolean held;

        Slot(Semaphore slots) {
            this.slots = slots;
        }

        /** False when interrupted while waiting for a slot (the round is being stopped). */
        boolean take() {
            try {
                slots.acquire();
                held = true;
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        void release() {
            if (held) {
                held = false;
                slots.release();
            }
        }

        @Override
        public void waitBegins() {
            release();
        }

        @Override
        public void waitEnds() throws InterruptedIOException {
            if (!take()) {
                throw new InterruptedIOException("stopped while waiting for a download slot");
            }
        }
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
