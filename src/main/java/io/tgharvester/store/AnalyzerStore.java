package io.tgharvester.store;

import io.tgharvester.analyze.AnalysisScores;
import io.tgharvester.analyze.AnalyzerResult;
import io.tgharvester.analyze.SampleRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The analyzers' queue and results. A sample is due for an analyzer once it has completed since the analyzer first
 * ran: succeeded, no artifact still waiting for its first download, analysis.json parsed (or never to be had), and
 * its last artifact fetched after the analyzer's {@code since}; then once more after each failed call whose retry
 * time has come. Samples are looked for among those whose downloads or parse changed since a given time (indexed),
 * never by reading every sample.
 */
public final class AnalyzerStore {
    /** The SQL standard's unique violation, as both databases report it. */
    private static final String DUPLICATE_KEY = "23505";
    private static final String DUE = """
            SELECT s.id, s.state, s.status, s.filename, s.login, s.organization_id, s.submitted_at, s.finished_at,
                s.sha256, s.md5, s.sha1, s.tags, s.vm, s.os, s.connection,
                an.sample_id AS parsed, an.threat_score, an.heuristic_score, an.max_severity,
                COALESCE(r.attempts, 0) AS attempts
            FROM samples s
            JOIN analyzers z ON z.analyzer = ?
            LEFT JOIN analyzer_results r ON r.sample_id = s.id AND r.analyzer = z.analyzer
            LEFT JOIN analysis an ON an.sample_id = s.id
            WHERE s.id IN (
                  SELECT sample_id FROM analyzer_results
                  WHERE analyzer = ? AND status = 'failed' AND next_attempt_at <= ? AND sample_id > ?
                  UNION SELECT sample_id FROM artifacts WHERE fetched_at >= ? AND sample_id > ?
                  UNION SELECT sample_id FROM parse_state WHERE parsed_at >= ? AND sample_id > ?)
              AND s.state = 'succ'
              AND (r.sample_id IS NULL OR r.status = 'failed' AND r.next_attempt_at <= ?)
              AND COALESCE((SELECT MAX(a.fetched_at) FROM artifacts a WHERE a.sample_id = s.id), s.finished_at)
                  >= z.since
              AND NOT EXISTS (SELECT 1 FROM artifacts a WHERE a.sample_id = s.id
                  AND (a.status = 'pending' OR a.name = 'analysis.json' AND a.status = 'failed'))
              AND (EXISTS (SELECT 1 FROM parse_state ps WHERE ps.sample_id = s.id)
                  OR NOT EXISTS (SELECT 1 FROM artifacts a WHERE a.sample_id = s.id
                      AND a.name = 'analysis.json' AND a.status = 'done'))
            ORDER BY s.id LIMIT ?""";

    private static final String BEGIN = Upsert.sql("analyzer_results", List.of("sample_id", "analyzer"),
            "sample_id VARCHAR", "analyzer VARCHAR", "status VARCHAR", "attempts INT", "last_error VARCHAR",
            "next_attempt_at " + Jdbc.TIME);

    private final Database db;

    public AnalyzerStore(Database db) {
        this.db = db;
    }

    /** Notes when each analyzer not seen before first runs: it is given samples completed from then on. */
    public void register(Collection<String> analyzers, Instant now) {
        db.withWritingConnection("cannot record the analyzers", conn -> {
            try (PreparedStatement st = conn.prepareStatement("""
                    INSERT INTO analyzers (analyzer, since, scanned_to) SELECT ?, ?, ?
                    WHERE NOT EXISTS (SELECT 1 FROM analyzers WHERE analyzer = ?)""")) {
                for (String analyzer : analyzers) {
                    st.setString(1, analyzer);
                    Jdbc.setTime(st, 2, now);
                    Jdbc.setTime(st, 3, now);
                    st.setString(4, analyzer);
                    try {
                        st.executeUpdate();
                    } catch (SQLException e) {
                        // Another node starting at the same moment registered it first: as good as ours.
                        if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                            throw e;
                        }
                    }
                }
                return null;
            }
        });
    }

    /** Up to when {@code analyzer} has looked at samples whose downloads or parse changed. */
    public Instant scannedTo(String analyzer) {
        return db.withConnection("cannot read analyzer " + analyzer, conn -> {
            try (PreparedStatement st = conn.prepareStatement(
                    "SELECT scanned_to FROM analyzers WHERE analyzer = ?")) {
                st.setString(1, analyzer);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Jdbc.time(rs, "scanned_to") : Optional.<Instant>empty();
                }
            }
        }).orElseThrow(() -> new StoreException("analyzer " + analyzer + " was never registered"));
    }

    /** Records that {@code analyzer} has looked at every sample whose downloads or parse changed before {@code to}. */
    public void scanned(String analyzer, Instant to) {
        db.withWritingConnection("cannot record the progress of analyzer " + analyzer, conn -> {
            try (PreparedStatement st = conn.prepareStatement(
                    "UPDATE analyzers SET scanned_to = ? WHERE analyzer = ?")) {
                Jdbc.setTime(st, 1, to);
                st.setString(2, analyzer);
                return st.executeUpdate();
            }
        });
    }

    /**
     * Up to {@code limit} samples due for {@code analyzer} at {@code now}, with ids above {@code after}, in id order:
     * failed calls due again, and samples whose downloads or parse changed at or after {@code changedSince}.
     */
    public List<AnalyzerTask> due(String analyzer, Instant now, Instant changedSince, String after, int limit) {
        return db.withConnection("cannot read the queue of analyzer " + analyzer, conn -> {
            List<AnalyzerTask> tasks = new ArrayList<>();
            try (PreparedStatement st = conn.prepareStatement(DUE)) {
                st.setString(1, analyzer);
                st.setString(2, analyzer);
                Jdbc.setTime(st, 3, now);
                st.setString(4, after);
                Jdbc.setTime(st, 5, changedSince);
                st.setString(6, after);
                Jdbc.setTime(st, 7, changedSince);
                st.setString(8, after);
                Jdbc.setTime(st, 9, now);
                st.setInt(10, limit);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        tasks.add(new AnalyzerTask(row(rs), scores(rs), Map.of(), rs.getInt("attempts")));
                    }
                }
            }
            Map<String, Map<String, String>> paths = artifactPaths(conn, tasks);
            return tasks.stream().map(t -> new AnalyzerTask(t.sample(), t.scores(),
                    paths.getOrDefault(t.sample().id(), Map.of()), t.attempts())).toList();
        });
    }

    /**
     * Records that call {@code attempt} begins: should it never end (the harvester stops or dies during it), it
     * stands as a failure, retried at {@code retryAt}, or given up when there is none.
     */
    public void begin(String sampleId, String analyzer, int attempt, Optional<Instant> retryAt) {
        db.withWritingConnection("cannot record a call of analyzer " + analyzer, conn -> {
            try (PreparedStatement st = conn.prepareStatement(BEGIN)) {
                st.setString(1, sampleId);
                st.setString(2, analyzer);
                st.setString(3, retryAt.isPresent() ? "failed" : "given_up");
                st.setInt(4, attempt);
                st.setString(5, "the call did not end: the harvester stopped during it");
                Jdbc.setTime(st, 6, retryAt);
                return st.executeUpdate();
            }
        });
    }

    /** Stores what the analyzer found, replacing its earlier tags and rows of the sample, in one transaction. */
    public void done(String sampleId, String analyzer, AnalyzerResult result, Instant now) {
        db.inTransaction("cannot store the result of analyzer " + analyzer, conn -> {
            for (String table : List.of("analyzer_tags", "analyzer_rows")) {
                try (PreparedStatement st = conn.prepareStatement(
                        "DELETE FROM " + table + " WHERE sample_id = ? AND analyzer = ?")) {
                    st.setString(1, sampleId);
                    st.setString(2, analyzer);
                    st.executeUpdate();
                }
            }
            try (PreparedStatement st = conn.prepareStatement("""
                    UPDATE analyzer_results SET status = 'done', last_error = NULL, next_attempt_at = NULL,
                        finished_at = ?
                    WHERE sample_id = ? AND analyzer = ?""")) {
                Jdbc.setTime(st, 1, now);
                st.setString(2, sampleId);
                st.setString(3, analyzer);
                st.executeUpdate();
            }
            try (PreparedStatement st = conn.prepareStatement(
                    "INSERT INTO analyzer_tags (sample_id, analyzer, tag) VALUES (?, ?, ?)")) {
                for (String tag : result.tags().stream().distinct().toList()) {
                    st.setString(1, sampleId);
                    st.setString(2, analyzer);
                    st.setString(3, tag);
                    st.addBatch();
                }
                st.executeBatch();
            }
            try (PreparedStatement st = conn.prepareStatement("""
                    INSERT INTO analyzer_rows (sample_id, analyzer, row_no, field, value_text)
                    VALUES (?, ?, ?, ?, ?)""")) {
                for (int i = 0; i < result.rows().size(); i++) {
                    for (Map.Entry<String, String> field : result.rows().get(i).entrySet()) {
                        st.setString(1, sampleId);
                        st.setString(2, analyzer);
                        st.setInt(3, i + 1);
                        st.setString(4, field.getKey());
                        st.setString(5, field.getValue());
                        st.addBatch();
                    }
                }
                return st.executeBatch();
            }
        });
    }

    /** Records a failed call: retried at {@code retryAt}, or given up when there is none. */
    public void failed(String sampleId, String analyzer, String error, Optional<Instant> retryAt) {
        db.withWritingConnection("cannot record a failure of analyzer " + analyzer, conn -> {
            try (PreparedStatement st = conn.prepareStatement("""
                    UPDATE analyzer_results SET status = ?, last_error = ?, next_attempt_at = ?
                    WHERE sample_id = ? AND analyzer = ?""")) {
                st.setString(1, retryAt.isPresent() ? "failed" : "given_up");
                st.setString(2, Jdbc.clip(error));
                Jdbc.setTime(st, 3, retryAt);
                st.setString(4, sampleId);
                st.setString(5, analyzer);
                return st.executeUpdate();
            }
        });
    }

    private static SampleRow row(ResultSet rs) throws SQLException {
        return new SampleRow(rs.getString("id"), rs.getString("state"), text(rs, "status"), text(rs, "filename"),
                text(rs, "login"), Optional.ofNullable(rs.getObject("organization_id", Long.class)),
                Jdbc.time(rs, "submitted_at"), Jdbc.time(rs, "finished_at"), text(rs, "sha256"), text(rs, "md5"),
                text(rs, "sha1"), TagsJson.parse(text(rs, "tags")), text(rs, "vm"), text(rs, "os"),
                rs.getString("connection"));
    }

    private static Optional<AnalysisScores> scores(ResultSet rs) throws SQLException {
        if (rs.getString("parsed") == null) {
            return Optional.empty();
        }
        return Optional.of(new AnalysisScores(number(rs, "threat_score"), number(rs, "heuristic_score"),
                number(rs, "max_severity")));
    }

    private static Map<String, Map<String, String>> artifactPaths(Connection conn, List<AnalyzerTask> tasks)
            throws SQLException {
        Map<String, Map<String, String>> paths = new HashMap<>();
        try (PreparedStatement st = conn.prepareStatement(
                "SELECT name, path FROM artifacts WHERE sample_id = ? AND status = 'done'")) {
            for (AnalyzerTask task : tasks) {
                st.setString(1, task.sample().id());
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        paths.computeIfAbsent(task.sample().id(), id -> new HashMap<>())
                                .put(rs.getString(1), rs.getString(2));
                    }
                }
            }
        }
        return paths;
    }

    private static Optional<String> text(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getString(column));
    }

    private static Optional<Integer> number(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getObject(column, Integer.class));
    }
}
