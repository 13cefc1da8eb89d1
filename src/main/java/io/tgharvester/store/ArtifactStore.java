package io.tgharvester.store;

import io.tgharvester.config.ConnectionConfig;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The download queue of one connection's samples (each is downloaded with its own connection's client): artifact rows
 * move from pending to done, absent, or failed (and back when retried).
 */
public final class ArtifactStore {
    private static final String OF_CONNECTION = "sample_id IN (SELECT id FROM samples WHERE connection = ?)";

    private final Database db;
    private final String connection;

    /** The queue of the default connection. */
    public ArtifactStore(Database db) {
        this(db, ConnectionConfig.DEFAULT);
    }

    public ArtifactStore(Database db, String connection) {
        this.db = db;
        this.connection = connection;
    }

    /** Artifacts to download now: pending ones and failed ones whose retry time has come. */
    public List<ArtifactTask> due(Instant now, int limit) {
        return db.withConnection("cannot read the download queue", conn -> {
            try (PreparedStatement st = conn.prepareStatement("""
                    SELECT sample_id, name, attempts FROM artifacts
                    WHERE status IN ('pending', 'failed') AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
                        AND %s
                    ORDER BY next_attempt_at NULLS FIRST, sample_id, name
                    LIMIT ?""".formatted(OF_CONNECTION))) {
                Jdbc.setTime(st, 1, now);
                st.setString(2, connection);
                st.setInt(3, limit);
                List<ArtifactTask> tasks = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        tasks.add(new ArtifactTask(rs.getString(1), rs.getString(2), rs.getInt(3)));
                    }
                }
                return tasks;
            }
        });
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
                        attempts = attempts + 1, last_error = NULL, next_attempt_at = NULL
                    WHERE sample_id = ? AND name = ?""")) {
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
                    last_error = NULL, next_attempt_at = NULL
                WHERE sample_id = ? AND name = ?""", now);
    }

    public void markFailed(ArtifactTask task, String error, Instant retryAt) {
        update(task, """
                UPDATE artifacts SET status = 'failed', attempts = attempts + 1, last_error = ?,
                    next_attempt_at = ?
                WHERE sample_id = ? AND name = ?""",
                Jdbc.clip(error), retryAt);
    }

    private void update(ArtifactTask task, String sql, Object... leading) {
        db.withConnection("cannot record artifact " + task.name() + " of " + task.sampleId(), conn -> {
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
