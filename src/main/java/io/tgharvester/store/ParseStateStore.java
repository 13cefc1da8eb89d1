package io.tgharvester.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parse queue: succeeded samples whose analysis.json is downloaded and whose processes.json is no longer pending
 * (done, absent, failed or not wanted), and the outcome of each parse in {@code parse_state}.
 */
public final class ParseStateStore {
    /** Which stored analyses a round or a reindex takes. */
    public enum Selection {
        /** Never parsed, or parsed by an older parser version: the parse stage's queue. */
        DUE,
        /** Due, or failed with the current version: what {@code reindex} retries by default. */
        DUE_OR_FAILED,
        /** Every stored analysis. */
        ALL
    }

    private static final String READY = """
            SELECT a.sample_id, a.path, p.path FROM samples s
            JOIN artifacts a ON a.sample_id = s.id AND a.name = 'analysis.json' AND a.status = 'done'
            LEFT JOIN artifacts p ON p.sample_id = s.id AND p.name = 'processes.json'
            LEFT JOIN parse_state ps ON ps.sample_id = s.id
            WHERE s.state = 'succ' AND (p.status IS NULL OR p.status <> 'pending')
            """;

    /**
     * A parse's outcome, counted in {@code attempts} by the statement itself: reading the count FOR UPDATE first cost
     * a statement H2 parses anew each time, as it keeps no query that locks rows in its cache.
     */
    private static final String RECORD = Upsert.counting("parse_state", List.of("sample_id"), "attempts",
            "sample_id VARCHAR", "parser_version INT", "status VARCHAR", "last_error VARCHAR", "parsed_at " + Jdbc.TIME);

    private final Database db;

    public ParseStateStore(Database db) {
        this.db = db;
    }

    /** Up to {@code limit} samples of {@code selection} whose id is greater than {@code after}, in id order. */
    public List<ParseTask> ready(Selection selection, int parserVersion, String after, int limit) {
        return db.withConnection("cannot read the parse queue", conn -> {
            try (PreparedStatement st = conn.prepareStatement(
                    READY + filter(selection) + " AND s.id > ? ORDER BY s.id LIMIT ?")) {
                int i = bindVersion(st, selection, parserVersion);
                st.setString(i++, after);
                st.setInt(i, limit);
                return tasks(st);
            }
        });
    }

    /** The one sample {@code sampleId}, if its analysis is downloaded and it is of {@code selection}. */
    public Optional<ParseTask> readyOne(String sampleId, Selection selection, int parserVersion) {
        return db.withConnection("cannot read sample " + sampleId, conn -> {
            try (PreparedStatement st = conn.prepareStatement(READY + filter(selection) + " AND s.id = ?")) {
                st.setString(bindVersion(st, selection, parserVersion), sampleId);
                return tasks(st).stream().findFirst();
            }
        });
    }

    private static String filter(Selection selection) {
        return switch (selection) {
            case DUE -> " AND (ps.sample_id IS NULL OR ps.parser_version < ?)";
            case DUE_OR_FAILED -> " AND (ps.sample_id IS NULL OR ps.parser_version < ? OR ps.status = 'failed')";
            case ALL -> "";
        };
    }

    /** Binds the parser version {@link #filter} asks for; returns the next parameter's index. */
    private static int bindVersion(PreparedStatement st, Selection selection, int parserVersion) throws SQLException {
        if (selection == Selection.ALL) {
            return 1;
        }
        st.setInt(1, parserVersion);
        return 2;
    }

    public void markParsed(String sampleId, int parserVersion, Instant now) {
        record(sampleId, parserVersion, "parsed", null, now);
    }

    public void markFailed(String sampleId, int parserVersion, String error, Instant now) {
        record(sampleId, parserVersion, "failed", Jdbc.clip(error), now);
    }

    private void record(String sampleId, int parserVersion, String status, String error, Instant now) {
        db.withWritingConnection("cannot record the parse of " + sampleId, conn -> {
            try (PreparedStatement st = conn.prepareStatement(RECORD)) {
                st.setString(1, sampleId);
                st.setInt(2, parserVersion);
                st.setString(3, status);
                st.setString(4, error);
                Jdbc.setTime(st, 5, now);
                return st.executeUpdate();
            }
        });
    }

    private static List<ParseTask> tasks(PreparedStatement st) throws SQLException {
        List<ParseTask> tasks = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                String processes = rs.getString(3);
                tasks.add(new ParseTask(rs.getString(1), rs.getString(2), Optional.ofNullable(processes)));
            }
        }
        return tasks;
    }
}
