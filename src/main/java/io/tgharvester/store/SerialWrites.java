package io.tgharvester.store;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The data dir's H2 database written by one transaction of this process at a time, each saved to the file as it
 * commits.
 *
 * <p>By default H2 saves to the file from a thread of its own, one table and index after another, while other threads
 * go on committing. A save that meets a commit half-way can keep a row as it was before the commit and the row's index
 * entries as they are after it; after a kill -9 that is what the file holds, and every later update of the row fails
 * ("Row not found when trying to delete from index", reported as a lock timeout): the harvest is stuck. With
 * WRITE_DELAY 0 ({@link #SAVE_AT_EVERY_COMMIT}) H2 has no such thread and saves at the end of each writing
 * transaction instead, on that transaction's thread; taking turns here makes sure no other transaction is half-way
 * through its commit meanwhile.
 */
final class SerialWrites {
    /** Persistent in the database: set before anything else is written. */
    static final String SAVE_AT_EVERY_COMMIT = "SET WRITE_DELAY 0";

    private final ReentrantLock turn = new ReentrantLock();

    /** Runs {@code write} when no other transaction of this process is writing. */
    <T> T inTurn(Supplier<T> write) {
        turn.lock();
        try {
            return write.get();
        } finally {
            turn.unlock();
        }
    }
}
