package io.tgharvester.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data dir's H2 database written by one transaction of this process at a time, and saved to its file only
 * between them.
 *
 * <p>H2 saves to the file from a thread of its own, one table and index after another, while other threads go on
 * committing. A save that meets a commit half-way can keep a row as it was before the commit beside the row's index
 * entries as they are after it; after a kill -9 that is what the file holds, and every later update of the row fails
 * ("Row not found when trying to delete from index", reported as a lock timeout) or spins: the harvest is stuck. So
 * H2's saving thread is stopped ({@link #takeOverSaving}) and this class saves in its place, as often, and tidies the
 * file as that thread would, in a turn of its own. H2 still saves by itself when unsaved changes grow large, but on
 * the writing transaction's own thread, in its turn, which recovery rolls back or completes whole. (H2's WRITE_DELAY
 * 0 would save at every commit instead: four times the file growth while a daemon runs.)
 */
final class SerialWrites implements AutoCloseable {
    /** H2's own default WRITE_DELAY: how long a committed change may stay unsaved, lost to a kill -9. */
    static final Duration SAVE_DELAY = Duration.ofMillis(500);
    /** H2's default AUTO_COMPACT_FILL_RATE: below it, live pages are rewritten so whole chunks can be reused. */
    private static final int COMPACT_BELOW_FILL_RATE = 90;

    private static final Logger log = LoggerFactory.getLogger(SerialWrites.class);

    private final ReentrantLock turn = new ReentrantLock();
    private final Optional<MVStore> store;
    private final ScheduledExecutorService saver = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "tg-h2-save");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean written;

    /**
     * Writes that take turns, saved every {@link #SAVE_DELAY} when {@code store} is this process's (H2 embedded). A
     * process that reaches the database through another's auto-server leaves the saving to that one.
     */
    SerialWrites(Optional<MVStore> store) {
        this.store = store;
        store.ifPresent(s -> saver.scheduleWithFixedDelay(this::saveIfWritten, SAVE_DELAY.toMillis(),
                SAVE_DELAY.toMillis(), TimeUnit.MILLISECONDS));
    }

    /**
     * Stops H2's saving thread of the database {@code conn} opened in this process, before anything else writes; a
     * connection to another process's auto-server has none here. Returns the store to save, if there is one.
     */
    static Optional<MVStore> takeOverSaving(Connection conn) throws SQLException {
        if (!(conn.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
            return Optional.empty();
        }
        MVStore store = session.getDatabase().getStore().getMvStore();
        // -1, not WRITE_DELAY 0: no saving thread, and no save at every commit either (as H2's own close does)
        store.setAutoCommitDelay(-1);
        return Optional.of(store);
    }

    /** Runs {@code write} when no other transaction of this process is writing. */
    <T> T inTurn(Supplier<T> write) {
        turn.lock();
        try {
            written = true;
            return write.get();
        } finally {
            turn.unlock();
        }
    }

    private void saveIfWritten() {
        if (!written) {
            return;
        }
        turn.lock();
        try {
            written = false;
            MVStore s = store.orElseThrow();
            s.compact(COMPACT_BELOW_FILL_RATE, s.getAutoCommitMemory() / 4);
            s.commit();
        } catch (RuntimeException e) {
            written = true;
            log.debug("event=database-save-failed error=\"{}\"", e.getMessage());
        } finally {
            turn.unlock();
        }
    }

    /** Stops saving; closing the database saves what is left. */
    @Override
    public void close() {
        saver.shutdownNow();
        try {
            saver.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
