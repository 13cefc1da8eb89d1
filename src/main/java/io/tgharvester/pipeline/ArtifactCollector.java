package io.tgharvester.pipeline;

import io.tgharvester.api.ApiException;
import io.tgharvester.api.ApiUnavailable;
import io.tgharvester.api.MalformedResponse;
import io.tgharvester.api.RateLimited;
import io.tgharvester.api.RequestRejected;
import io.tgharvester.api.RetryWaits;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.artifacts.ArtifactFiles;
import io.tgharvester.artifacts.ReceivedArtifact;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads every due artifact, {@code concurrency} at a time. Failures of one artifact (a stream cut more often than
 * it can be resumed, a refused name, a call still failing after its own retries while the server answers most calls)
 * are recorded on its row and retried after a {@link RetryDelay}; failures of the server (a refused key, an untrusted
 * certificate, a Retry-After longer than a call waits out, a server that looks down) end the round, as the rest would
 * fail the same way: downloads already running finish, no new one starts. Whole artifacts go to a
 * {@link GroupCommit}, which makes them durable and done in groups while the next downloads run.
 */
public final class ArtifactCollector implements Stage {
    private static final Logger log = LoggerFactory.getLogger(ArtifactCollector.class);
    /**
     * Artifacts claimed at a time when alone. Each claim reads and sorts the whole due queue (3,600 rows: ~7 ms), so a
     * backlog is claimed in a few large bites rather than seventy small ones.
     */
    private static final int BATCH = 500;
    /**
     * Downloads under way for each transfer slot: a download waiting out a retry gives its slot up, and another
     * transfers meanwhile. Sixteen, so that the waits of a server answering a quarter of its calls with a 429
     * (Retry-After: 1) or a 5xx overlap instead of holding up the round (scripts/bench faults: with four, the daemon's
     * download round on loopback took three times as long under such faults).
     */
    private static final int DOWNLOADS_PER_SLOT = 16;
    /** No task's end: a transfer slot was given up, and another download may start. */
    private static final Ended SLOT_FREED = new Ended(null, new Result(Kind.STOPPED, 0), false);

    private final ArtifactStore store;
    private final Clock clock;
    private final RetryDelay retryDelay;
    private final int concurrency;
    private final Transfers transfers = new Transfers();
    private final ArtifactDownload download;
    private final ThreatGridClient client;
    /** Hears of each artifact whose outcome (done, absent or failed) a round has recorded. */
    private volatile Consumer<ArtifactTask> recorded = task -> { };
    /** Whether this round claimed any artifact; when the round began or last renewed its claims (System.nanoTime). */
    private boolean claimedAny;
    private long claimsRenewedAt;

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
        claimedAny = false;
        claimsRenewedAt = System.nanoTime();
        Tally tally = new Tally();
        int downloads = concurrency * DOWNLOADS_PER_SLOT;
        // Fair, so that a download done waiting out a retry gets the next free slot before a new one starts.
        Semaphore slots = new Semaphore(concurrency, true);
        ExecutorService pool = Executors.newFixedThreadPool(downloads, task -> {
            Thread thread = new Thread(task, "tg-download");
            thread.setDaemon(true);
            return thread;
        });
        BlockingQueue<Ended> ended = new LinkedBlockingQueue<>();
        Runnable slotFreed = () -> ended.add(SLOT_FREED);
        AtomicReference<RuntimeException> serverFailure = new AtomicReference<>();
        try (GroupCommit commits = new GroupCommit(store, clock, new GroupCommit.Outcomes() {
            @Override
            public void committed(ArtifactTask task, long bytes) {
                ended.add(new Ended(task, new Result(Kind.DONE, bytes), false));
            }

            @Override
            public void notCommitted(ArtifactTask task, Exception cause) {
                ended.add(new Ended(task, stoppingOnSurprise(serverFailure, () -> {
                    if (cause instanceof RuntimeException broken) {
                        throw broken; // the database could not record the group
                    }
                    return failed(task, cause);
                }), false));
            }
        })) {
            // A new download starts as soon as a transfer slot is free, rather than batch after batch: one that waits
            // out a retry gives its slot up and never holds up the others. At most `concurrency` of them transfer at a
            // time (slots), and only as many are claimed as can start. A download's task stays running until its group
            // commit has recorded it, so that it is not picked up again.
            Deque<ArtifactTask> queued = new ArrayDeque<>();
            Set<String> running = new HashSet<>();
            int downloading = 0;
            while (true) {
                while (downloading < downloads && !transfers.stopping() && serverFailure.get() == null
                        && freeSlot(slots)) {
                    ArtifactTask task = next(queued, running);
                    if (task == null) {
                        slots.release();
                        break;
                    }
                    running.add(key(task));
                    downloading++;
                    Slot slot = new Slot(slots, slotFreed);
                    pool.execute(() -> ended.add(new Ended(task, stoppingOnSurprise(serverFailure,
                            () -> downloadUnlessRoundEnded(task, slot, serverFailure, commits)), true)));
                }
                if (running.isEmpty()) {
                    break;
                }
                renewClaimsWhenDue();
                Optional<Ended> next = await(ended);
                if (next.isEmpty()) {
                    if (Thread.currentThread().isInterrupted()) {
                        break;
                    }
                    continue;
                }
                Ended end = next.get();
                if (end == SLOT_FREED) {
                    continue;
                }
                if (end.download()) {
                    downloading--;
                }
                if (end.result().kind() != Kind.STAGED) {
                    running.remove(key(end.task()));
                    tally.add(end.result());
                    if (end.result().kind() != Kind.STOPPED) {
                        recorded.accept(end.task());
                    }
                }
            }
        } finally {
            pool.shutdownNow();
            if (claimedAny) {
                // Every download of the round has ended: what this node still claims, it left undone (stopped).
                store.releaseClaims();
            }
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
     * The next due task that is not running yet, or null when there is none. A task that failed earlier in this round
     * is due again once its retry time has come, while the round still runs: a passing fault costs its short retry
     * delay, not also the wait for another round.
     */
    private ArtifactTask next(Deque<ArtifactTask> queued, Set<String> running) {
        if (queued.isEmpty()) {
            // alone, a batch saves round trips; beside other nodes, no more than can start soon, to leave them theirs
            int claim = store.sharedWithOtherNodes() ? concurrency : BATCH;
            store.due(clock.instant(), claim).stream().filter(t -> !running.contains(key(t)))
                    .forEach(queued::add);
            claimedAny |= !queued.isEmpty();
        }
        return queued.poll();
    }

    /** Renews this node's claims every quarter lease while the round runs, however long one download takes. */
    private void renewClaimsWhenDue() {
        if (System.nanoTime() - claimsRenewedAt >= renewEvery().toNanos()) {
            store.renewClaims(clock.instant());
            claimsRenewedAt = System.nanoTime();
        }
    }

    private Duration renewEvery() {
        return store.claimLease().dividedBy(4);
    }

    private static String key(ArtifactTask task) {
        return task.sampleId() + "/" + task.name();
    }

    /** Takes a transfer slot if one is free now; false when none is, or when this thread is interrupted (stopping). */
    private static boolean freeSlot(Semaphore slots) {
        try {
            return slots.tryAcquire(0, TimeUnit.MILLISECONDS); // unlike tryAcquire(), waits behind queued takers
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One download from the slot it was started with to its end, or to its hand-over to the group commit. */
    private Result downloadUnlessRoundEnded(ArtifactTask task, Slot slot,
                                            AtomicReference<RuntimeException> serverFailure, GroupCommit commits) {
        if (transfers.stopping() || serverFailure.get() != null) {
            slot.release();
            return new Result(Kind.STOPPED, 0);
        }
        try {
            return download(task, slot, commits);
        } catch (RuntimeException e) {
            if (passing(e)) {
                return failed(task, e);
            }
            throw e;
        } finally {
            slot.release();
        }
    }

    /**
     * What {@code work} returns; when it throws (a server failure, a database that cannot record), that ends the
     * round and the task is left as it was. Never throws, so that every task reports its end.
     */
    private static Result stoppingOnSurprise(AtomicReference<RuntimeException> serverFailure, Supplier<Result> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            serverFailure.compareAndSet(null, e);
        } catch (Error e) {
            serverFailure.compareAndSet(null, new IllegalStateException("a download failed unexpectedly", e));
        }
        return new Result(Kind.STOPPED, 0);
    }

    /**
     * A 5xx, 429 or lost connection left after the call's own retries, from a server that is up, asking for no longer
     * a wait than a call waits out itself: that artifact's failure, retried soon. A longer Retry-After is the
     * schedule's pause (harvester.retry.max-wait).
     */
    private boolean passing(RuntimeException e) {
        return e instanceof ApiException api && (api instanceof ApiUnavailable || api instanceof RateLimited)
                && api.retryAfter().map(wait -> wait.compareTo(client.longestRetryWait()) <= 0).orElse(true)
                && !client.recentCalls().serverDown();
    }

    /**
     * The next download or commit to end; empty when none ended within the claims' renewal period, or when this
     * thread is interrupted (shutting down).
     */
    private Optional<Ended> await(BlockingQueue<Ended> ended) {
        try {
            return Optional.ofNullable(ended.poll(renewEvery().toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private Result download(ArtifactTask task, RetryWaits waits, GroupCommit commits) {
        try {
            Optional<ReceivedArtifact> fetched = download.fetch(task.sampleId(), task.name(), waits);
            if (fetched.isEmpty()) {
                store.markAbsent(task, clock.instant());
                log.debug("event=artifact-absent sample={} name={}", task.sampleId(), task.name());
                return new Result(Kind.ABSENT, 0);
            }
            commits.stage(task, fetched.get());
            return new Result(Kind.STAGED, 0);
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

    /**
     * From now on, {@code listener} hears of each artifact whose outcome (done, absent or failed) is recorded, on the
     * round's own thread, once the outcome is committed: what can be done with the file from then on.
     */
    void reportOutcomesTo(Consumer<ArtifactTask> listener) {
        this.recorded = listener;
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

    /** STAGED: received whole and handed to the group commit, whose outcome ends the task. */
    private enum Kind { DONE, ABSENT, FAILED, STOPPED, STAGED }

    private record Result(Kind kind, long bytes) {
    }

    /** A download that ended ({@code download}: its thread is free again) or a commit's outcome for its task. */
    private record Ended(ArtifactTask task, Result result, boolean download) {
    }



    /**
     * One download's hold on a transfer slot, taken for it when it starts, given up while it waits out a retry (which
     * tells the round, {@code freed}, that another download can start); used by one thread.
     */
    private static final class Slot implements RetryWaits {
        private final Semaphore slots;
        private final Runnable freed;
        private boolean held = true;

        Slot(Semaphore slots, Runnable freed) {
            this.slots = slots;
            this.freed = freed;
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
                freed.run();
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
                case STOPPED, STAGED -> {
                }
            }
            bytes += result.bytes();
        }

        int total() {
            return done + absent + failed;
        }
    }
}
