package io.tgharvester.pipeline;

import io.tgharvester.artifacts.ArtifactFiles;
import io.tgharvester.artifacts.ReceivedArtifact;
import io.tgharvester.artifacts.StoredArtifact;
import io.tgharvester.store.ArtifactStore;
import io.tgharvester.store.ArtifactTask;
import io.tgharvester.store.DoneArtifact;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Makes received artifacts durable and done in groups, on its own thread, while the downloads go on: every artifact
 * of a group is fsynced (several at once, so that the filesystem's journal takes them together), renamed to its final
 * name, each directory they landed in is fsynced once, and the whole group is marked done in one transaction. One
 * fsync per file and per directory and a transaction per file, one after another, had cost more than the transfers
 * themselves for a backlog of small files (docs/BENCHMARKS.md). A group is whatever has arrived while the previous one
 * was committed, up to {@link #MAX_GROUP}. A kill at any moment leaves rows pending, with at most {@code .part} files
 * (removed at the next start) or complete files under their final names (replaced when the download is retried).
 */
final class GroupCommit implements AutoCloseable {
    static final int MAX_GROUP = 64;
    private static final int SYNCS_AT_ONCE = 8;

    /** What became of each staged artifact. */
    interface Outcomes {
        void committed(ArtifactTask task, long bytes);

        void notCommitted(ArtifactTask task, Exception cause);
    }

    private record Staged(ArtifactTask task, ReceivedArtifact artifact) {
    }

    /** Placed after the last artifact by {@link #close()}. */
    private static final Staged END = new Staged(null, null);

    private final ArtifactStore store;
    private final Clock clock;
    private final Outcomes outcomes;
    private final BlockingQueue<Staged> staged = new LinkedBlockingQueue<>();
    private final ExecutorService syncs = Executors.newFixedThreadPool(SYNCS_AT_ONCE, task -> {
        Thread thread = new Thread(task, "tg-fsync");
        thread.setDaemon(true);
        return thread;
    });
    private final Thread committer = new Thread(this::commitUntilEnd, "tg-commit");

    GroupCommit(ArtifactStore store, Clock clock, Outcomes outcomes) {
        this.store = store;
        this.clock = clock;
        this.outcomes = outcomes;
        committer.setDaemon(true);
        committer.start();
    }

    /** Hands a received artifact over; its outcome is reported once its group is committed. */
    void stage(ArtifactTask task, ReceivedArtifact artifact) {
        staged.add(new Staged(task, artifact));
    }

    /** Commits everything staged before, then ends. */
    @Override
    public void close() {
        staged.add(END);
        try {
            committer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            syncs.shutdownNow();
        }
    }

    private void commitUntilEnd() {
        List<Staged> group = new ArrayList<>();
        while (true) {
            try {
                group.add(staged.take());
            } catch (InterruptedException e) {
                return;
            }
            staged.drainTo(group, MAX_GROUP - 1);
            boolean end = group.remove(END);
            commit(group);
            group.clear();
            if (end) {
                return;
            }
        }
    }

    private void commit(List<Staged> group) {
        List<Staged> synced = new ArrayList<>();
        List<Optional<Exception>> syncFailures = runAll(group.stream()
                .<Callable<Void>>map(s -> () -> {
                    s.artifact().sync();
                    return null;
                }).toList());
        for (int i = 0; i < group.size(); i++) {
            if (syncFailures.get(i).isEmpty()) {
                synced.add(group.get(i));
            } else {
                drop(group.get(i), syncFailures.get(i).get());
            }
        }
        List<DoneArtifact> published = new ArrayList<>();
        Set<Path> directories = new LinkedHashSet<>();
        for (Staged s : synced) {
            try {
                StoredArtifact stored = s.artifact().publish();
                published.add(new DoneArtifact(s.task(), stored.bytes(), stored.sha256(), stored.relativePath()));
                directories.add(s.artifact().directory());
            } catch (IOException e) {
                drop(s, e);
            }
        }
        runAll(directories.stream().<Callable<Void>>map(dir -> () -> {
            ArtifactFiles.syncDirectory(dir);
            return null;
        }).toList());
        if (published.isEmpty()) {
            return;
        }
        try {
            store.markDone(published, clock.instant());
        } catch (RuntimeException e) {
            published.forEach(done -> outcomes.notCommitted(done.task(), e));
            return;
        }
        published.forEach(done -> outcomes.committed(done.task(), done.bytes()));
    }

    private void drop(Staged s, Exception cause) {
        try {
            s.artifact().discard();
        } catch (IOException notRemoved) {
            cause.addSuppressed(notRemoved);
        }
        outcomes.notCommitted(s.task(), cause);
    }

    /** Runs the calls {@link #SYNCS_AT_ONCE} at a time; what each threw, in their order. */
    private List<Optional<Exception>> runAll(List<Callable<Void>> calls) {
        List<Optional<Exception>> failures = new ArrayList<>();
        try {
            for (Future<Void> call : syncs.invokeAll(calls)) {
                try {
                    call.get();
                    failures.add(Optional.empty());
                } catch (ExecutionException e) {
                    failures.add(Optional.of(e.getCause() instanceof Exception cause ? cause
                            : new IllegalStateException(e.getCause())));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            while (failures.size() < calls.size()) {
                failures.add(Optional.of(new IOException("interrupted before the file was synced")));
            }
        }
        return failures;
    }
}
