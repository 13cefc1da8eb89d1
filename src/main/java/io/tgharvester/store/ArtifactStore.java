package io.tgharvester.store;

import io.tgharvester.config.ConnectionConfig;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The download queue of one connection's samples (each is downloaded with its own connection's client): artifact rows
 * move from pending to done, absent, or failed (and back when retried). A node takes the artifacts it downloads by
 * claiming them for a lease (V15), so that nodes sharing the database never download one twice; recording an outcome
 * releases the claim, and a dead node's claims expire.
 */
public final class ArtifactStore {
    /**
     * Rows of one connection's samples. EXISTS, not {@code sample_id IN (SELECT ...)}: H2 turns such an IN into a
     * lookup of every artifact of the connection's samples, done or not, and each claim read them all.
     */
    private static final String OF_CONNECTION =
            "EXISTS (SELECT 1 FROM samples s WHERE s.id = artifacts.sample_id AND s.connection = ?)";
    /** The claims a node may take: none, or an expired one. */
    private static final String CLAIMABLE = "(claimed_until IS NULL OR claimed_until <= ?)";
    /** The due queue to claim from: now, now, the connection, how many. */
    static final String DUE = """
            SELECT sample_id, name, attempts FROM artifacts
            WHERE status IN ('pending', 'failed') AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
                AND %s AND %s
            ORDER BY next_attempt_at NULLS FIRST, sample_id, name
            LIMIT ?""".formatted(CLAIMABLE, OF_CONNECTION);
    /**
     * Beside other nodes, the due rows another node is claiming at this moment are skipped, not waited for. Alone
     * there is no other claimant to skip, and H2 would lock every due row before it sorts them and keeps the first
     * few: with 3,600 artifacts due, a claim took ~19 ms instead of ~7 ms.
     */
    private static final String DUE_BESIDE_OTHERS = DUE + " FOR UPDATE SKIP LOCKED";
    private static final String RELEASED = "claimed_by = NULL, claimed_until = NULL";

    private final Database db;
    private final String connection;
    private final Claimant claimant;

    /** The queue of the default connection, claimed by a process that works alone. */
    public ArtifactStore(Database db) {
        this(db, ConnectionConfig.DEFAULT, Claimant.ALONE);
    }

    public ArtifactStore(Database db, String connection, Claimant claimant) {
        this.db = db;
        this.connection = connection;
        this.claimant = claimant;
    }

    /**
     * Artifacts to download now, claimed for this node until {@code now} plus its lease: pending ones and failed ones
     * whose retry time has come, that no other node holds. Rows another node is claiming at this moment are skipped,
     * not waited for.
     */
    public List<ArtifactTask> due(Instant now, int limit) {
        return db.inTransaction("cannot claim from the download queue", conn -> {
            List<ArtifactTask> tasks = new ArrayList<>();
            try (PreparedStatement st = conn.prepareStatement(db.shared() ? DUE_BESIDE_OTHERS : DUE)) {
                Jdbc.setTime(st, 1, now);
                Jdbc.setTime(st, 2, now);
                st.setString(3, connection);
                st.setInt(4, limit);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        tasks.add(new ArtifactTask(rs.getString(1), rs.getString(2), rs.getInt(3)));
                    }
                }
            }
            try (PreparedStatement st = conn.prepareStatement(
                    "UPDATE artifacts SET claimed_by = ?, claimed_until = ? WHERE sample_id = ? AND name = ?")) {
                for (ArtifactTask task : tasks) {
                    st.setString(1, claimant.node());
                    Jdbc.setTime(st, 2, now.plus(claimant.lease()));
                    st.setString(3, task.sampleId());
                    st.setString(4, task.name());
                    st.addBatch();
                }
                st.executeBatch();
            }
            return tasks;
        });
    }

    /** Extends every claim this node holds on the queue to {@code now} plus its lease, while it works on them. */
    public void renewClaims(Instant now) {
        db.withWritingConnection("cannot renew this node's download claims", conn -> {
            try (PreparedStatement st = conn.prepareStatement("""
                    UPDATE artifacts SET claimed_until = ?
                    WHERE claimed_by = ? AND status IN ('pending', 'failed')""")) {
                Jdbc.setTime(st, 1, now.plus(claimant.lease()));
                st.setString(2, claimant.node());
                return st.executeUpdate();
            }
        });
    }

    /**
     * Gives up this node's claims on the artifacts it did not finish, for any node to take at once: at the end of a
     * download round, and as the node starts (what it claimed before it stopped or died, it no longer works on).
     */
    public void releaseClaims() {
        db.withWritingConnection("cannot release this node's download claims", conn -> {
            try (PreparedStatement st = conn.prepareStatement(
                    "UPDATE artifacts SET " + RELEASED + " WHERE claimed_by = ? AND " + OF_CONNECTION)) {
                st.setString(1, claimant.node());
                st.setString(2, connection);
                return st.executeUpdate();
            }
        });
    }

    /** Whether other nodes may be claiming from this queue too (a shared PostgreSQL database). */
    public boolean sharedWithOtherNodes() {
        return db.shared();
    }

    /** How long this node's claims last unless renewed. */
    public Duration claimLease() {
        return claimant.lease();
    }

    /** When the first failed artifact is due again, if any is waiting. */
    public Optional<Instant> nextRetryAt() {
        return db.withConnection("cannot read the download queue", conn -> {
            try (PreparedStatement st = conn.prepareStatement(
                    "SELECT MIN(next_attempt_at) AS next_at FROM artifacts WHERE status = 'failed' AND " + OF_CONNECTION)) {
                st.setString(1, connection);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Jdbc.time(rs, "next_at") : Optional.<Instant>empty();
                }
            }
        });
    }

    /** Artifacts durable on disk, recorded done together in one transaction. */
    public void markDone(List<DoneArtifact> artifacts, Instant now) {
        db.inTransaction("cannot record " + artifacts.size() + " downloaded artifacts", conn -> {
            try (PreparedStatement st = conn.prepareStatement("""
                    UPDATE artifacts SET status = 'done', bytes = ?, sha256 = ?, path = ?, fetched_at = ?,
                        attempts = attempts + 1, last_error = NULL, next_attempt_at = NULL, %s
                    WHERE sample_id = ? AND name = ?""".formatted(RELEASED))) {
                for (DoneArtifact done : artifacts) {
                    st.setLong(1, done.bytes());
                    st.setString(2, done.sha256());
                    st.setString(3, done.relativePath());
                    Jdbc.setTime(st, 4, now);
                    st.setString(5, done.task().sampleId());
                    st.setString(6, done.task().name());
                    st.addBatch();
                }
                return st.executeBatch();
            }
        });
    }

    /** The analysis has no such artifact (404): final, never retried. */
    public void markAbsent(ArtifactTask task, Instant now) {
        update(task, """
                UPDATE artifacts SET status = 'absent', fetched_at = ?, attempts = attempts + 1,
                    last_error = NULL, next_attempt_at = NULL, %s
                WHERE sample_id = ? AND name = ?""".formatted(RELEASED), now);
    }

    public void markFailed(ArtifactTask task, String error, Instant retryAt) {
        update(task, """
                UPDATE artifacts SET status = 'failed', attempts = attempts + 1, last_error = ?,
                    next_attempt_at = ?, %s
                WHERE sample_id = ? AND name = ?""".formatted(RELEASED),
                Jdbc.clip(error), retryAt);
    }

    private void update(ArtifactTask task, String sql, Object... leading) {
        db.withWritingConnection("cannot record artifact " + task.name() + " of " + task.sampleId(), conn -> {
            try (PreparedStatement st = conn.prepareStatement(sql)) {
                int i = 1;
                for (Object value : leading) {
                    if (value instanceof Instant instant) {
                        Jdbc.setTime(st, i++, instant);
                    } else {
                        st.setObject(i++, value);
                    }
                }
                st.setString(i++, task.sampleId());
                st.setString(i, task.name());
                return st.executeUpdate();
            }
        });
    }
}
