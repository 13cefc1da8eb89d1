package io.tgharvester.store;

import io.tgharvester.api.Sample;
import io.tgharvester.api.StateReport;
import io.tgharvester.api.States;
import io.tgharvester.config.ConnectionConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The samples of one connection, their state history and the download queue they feed. A sample entering
 * {@code succ} gets one {@code pending} artifact row per configured artifact in the same transaction, so no success
 * is ever lost between the state change and the download. A sample belongs to the connection that listed it first:
 * another connection that lists it too (two connections to one organization) leaves it alone.
 *
 * <p>Its writes take turns with every other connection's (the fetch and the state check run at the same time):
 * each one also changes the rows of its samples' logins in the per-login totals (V10's triggers), which two
 * transactions at once could lock in opposite orders and deadlock on.
 */
public final class SampleStore {
    private static final Logger log = LoggerFactory.getLogger(SampleStore.class);
    private static final String INSERT = """
            INSERT INTO samples (id, sha256, md5, sha1, filename, login, organization_id, submission_id, state,
                status, submitted_at, started_at, completed_at, tags, vm, os, playbook, is_private,
                finished_at, first_seen_at, last_checked_at, connection)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String UPDATE_FROM_LIST = """
            UPDATE samples SET sha256 = ?, md5 = ?, sha1 = ?, filename = ?, login = ?, organization_id = ?,
                submission_id = ?, state = ?, status = ?, submitted_at = ?, started_at = ?, completed_at = ?,
                tags = ?, vm = ?, os = ?, playbook = ?, is_private = ?, finished_at = ?, last_checked_at = ?
            WHERE id = ?""";
    private static final String UPDATE_STATE = """
            UPDATE samples SET state = ?, status = COALESCE(?, status), finished_at = ?, last_checked_at = ?
            WHERE id = ?""";
    private static final String SAVE_LISTING = Upsert.sql("fetch_listing", List.of("connection"),
            "connection VARCHAR", "last_newest " + Jdbc.TIME, "after_at " + Jdbc.TIME, "next_offset INT", "pages INT",
            "first_page_newest " + Jdbc.TIME, "newest " + Jdbc.TIME, "started_at " + Jdbc.TIME);

    private final Database db;
    private final List<String> artifactNames;
    private final String connection;

    /** The samples of the default connection. */
    public SampleStore(Database db, List<String> artifactNames) {
        this(db, artifactNames, ConnectionConfig.DEFAULT);
    }

    public SampleStore(Database db, List<String> artifactNames, String connection) {
        this.db = db;
        this.artifactNames = List.copyOf(artifactNames);
        this.connection = connection;
    }

    /**
     * Upserts one list page and, in the same transaction, records where the fetch stands after it, so a crash between
     * two pages neither loses the listing's progress nor moves the watermark ahead of what is stored.
     */
    public StoreOutcome storePage(List<Sample> samples, FetchPosition position, Instant now) {
        return db.inWriteTurn("cannot store samples", conn -> {
            StoreOutcome outcome = upsert(conn, samples, now);
            savePosition(conn, position, now);
            return outcome;
        });
    }

    /**
     * Upserts one page a backfill listed and, in the same transaction, records the progress it makes, so an interrupted
     * backfill neither loses a stored page nor skips one.
     */
    public StoreOutcome storePage(List<Sample> samples, BackfillProgress progress, Instant now) {
        if (!progress.connection().equals(connection)) {
            throw new IllegalArgumentException("a backfill of " + progress.connection() + " stores into the samples of "
                    + connection);
        }
        return db.inWriteTurn("cannot store samples", conn -> {
            StoreOutcome outcome = upsert(conn, samples, now);
            BackfillStore.save(conn, progress, now);
            return outcome;
        });
    }

    /** Upserts samples listed outside the fetch stage; the fetch position stays as it is. */
    public StoreOutcome storePage(List<Sample> samples, Instant now) {
        return db.inWriteTurn("cannot store samples", conn -> upsert(conn, samples, now));
    }

    private StoreOutcome upsert(Connection conn, List<Sample> samples, Instant now) throws SQLException {
        StoreOutcome outcome = StoreOutcome.NONE;
        try (Writes writes = new Writes(conn, samples.stream().map(Sample::id).toList())) {
            for (Sample sample : samples) {
                outcome = outcome.plus(writes.upsert(sample, now));
            }
            writes.flush();
        }
        return outcome;
    }

    /** Applies one bulk state answer. */
    public StoreOutcome applyStates(List<StateReport> reports, Instant now) {
        return db.inWriteTurn("cannot store samples", conn -> {
            StoreOutcome outcome = StoreOutcome.NONE;
            try (Writes writes = new Writes(conn, reports.stream().map(StateReport::sampleId).toList())) {
                for (StateReport report : reports) {
                    outcome = outcome.plus(writes.applyState(report, now));
                }
                writes.flush();
            }
            return outcome;
        });
    }

    /** Ids of every sample of this connection not yet in a final state, oldest submission first. */
    public List<String> unfinishedIds() {
        return db.withConnection("cannot list unfinished samples", conn -> {
            try (PreparedStatement st = conn.prepareStatement(
                    "SELECT id FROM samples WHERE connection = ? AND state NOT IN (?, ?, ?) ORDER BY submitted_at, id")) {
                st.setString(1, connection);
                st.setString(2, States.SUCC);
                st.setString(3, States.FAIL);
                st.setString(4, States.STALE);
                List<String> ids = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
                return ids;
            }
        });
    }

    /**
     * Gives up on samples first seen before {@code seenBefore} that are still unfinished: they become {@code stale},
     * a final state, so they are no longer checked. Measured on the harvester's own clock (first_seen_at), so a
     * server clock that runs ahead or behind cannot make fresh samples look old. Returns how many.
     */
    public int markStale(Instant seenBefore, Instant now) {
        return db.inWriteTurn("cannot mark stale samples", conn -> {
            String unfinishedAndOld = " WHERE state NOT IN ('succ', 'fail', 'stale') AND first_seen_at < ?"
                    + " AND connection = ?";
            // Locked first, in key order as the other writers lock (see Writes), so a fetch cannot change one of
            // them between the history's read of its state and the update: each row recorded is one updated.
            try (PreparedStatement lock = conn.prepareStatement(
                         "SELECT id FROM samples" + unfinishedAndOld + " ORDER BY id FOR UPDATE");
                 PreparedStatement history = conn.prepareStatement(
                         "INSERT INTO state_changes (sample_id, from_state, to_state, observed_at)"
                                 + " SELECT id, state, ?, ? FROM samples" + unfinishedAndOld);
                 PreparedStatement update = conn.prepareStatement(
                         "UPDATE samples SET state = ?, finished_at = ?, last_checked_at = ?" + unfinishedAndOld)) {
                Jdbc.setTime(lock, 1, seenBefore);
                lock.setString(2, connection);
                lock.executeQuery().close();
                history.setString(1, States.STALE);
                Jdbc.setTime(history, 2, now);
                Jdbc.setTime(history, 3, seenBefore);
                history.setString(4, connection);
                history.executeUpdate();
                update.setString(1, States.STALE);
                Jdbc.setTime(update, 2, now);
                Jdbc.setTime(update, 3, now);
                Jdbc.setTime(update, 4, seenBefore);
                update.setString(5, connection);
                return update.executeUpdate();
            }
        });
    }

    /** The newest submission time the watermark has reached, if any. */
    public Optional<Instant> watermark() {
        return fetchPosition().watermark();
    }

    /** The watermark, the newest submission of the last complete listing, and the listing in progress. */
    public FetchPosition fetchPosition() {
        return db.withConnection("cannot read the fetch position", conn -> {
            Optional<Instant> watermark;
            try (PreparedStatement st = conn.prepareStatement(
                    "SELECT submitted_at FROM fetch_watermark WHERE connection = ?")) {
                st.setString(1, connection);
                try (ResultSet rs = st.executeQuery()) {
                    watermark = rs.next() ? Jdbc.time(rs, "submitted_at") : Optional.empty();
                }
            }
            try (PreparedStatement st = conn.prepareStatement("SELECT * FROM fetch_listing WHERE connection = ?")) {
                st.setString(1, connection);
                ResultSet rs = st.executeQuery();
                if (!rs.next()) {
                    return new FetchPosition(watermark, Optional.empty(), Optional.empty());
                }
                Optional<Instant> after = Jdbc.time(rs, "after_at");
                Optional<FetchPosition.Listing> listing = after.isEmpty() ? Optional.empty()
                        : Optional.of(new FetchPosition.Listing(after.get(), rs.getInt("next_offset"),
                        rs.getInt("pages"), Jdbc.time(rs, "first_page_newest"), Jdbc.time(rs, "newest"),
                        Jdbc.time(rs, "started_at").orElseThrow()));
                return new FetchPosition(watermark, Jdbc.time(rs, "last_newest"), listing);
            }
        });
    }

    /**
     * The writes of one page or state answer, batched: the samples already stored are read in one query, and each
     * statement runs once per page. Samples are kept in {@code known} as they are written, so an id listed twice in
     * one page is inserted once and then updated, as it would be one by one.
     * <p>
     * That read locks the rows ({@code FOR UPDATE}) until the transaction ends, so a change is recorded against the
     * state it really changes. The fetch and the state check run at once whenever their ticks coincide and both see a
     * new state; unlocked, each read the old state before the other committed and both recorded the change. Locking
     * them all in one statement also takes the locks in one order, the key's (H2 walks the ids of {@code = ANY} in
     * sorted order), where the updates alone locked rows in list order and in submission order, and so deadlocked.
     */
    private final class Writes implements AutoCloseable {
        private final Map<String, Existing> known;
        private final PreparedStatement insert;
        private final PreparedStatement updateFromList;
        private final PreparedStatement updateState;
        private final PreparedStatement change;
        private final PreparedStatement queue;

        Writes(Connection conn, List<String> ids) throws SQLException {
            known = existing(conn, ids);
            insert = conn.prepareStatement(INSERT);
            updateFromList = conn.prepareStatement(UPDATE_FROM_LIST);
            updateState = conn.prepareStatement(UPDATE_STATE);
            change = conn.prepareStatement(
                    "INSERT INTO state_changes (sample_id, from_state, to_state, observed_at) VALUES (?, ?, ?, ?)");
            queue = conn.prepareStatement("""
                    INSERT INTO artifacts (sample_id, name, status, attempts)
                    SELECT ?, ?, 'pending', 0
                    WHERE NOT EXISTS (SELECT 1 FROM artifacts WHERE sample_id = ? AND name = ?)""");
        }

        StoreOutcome upsert(Sample s, Instant now) throws SQLException {
            Optional<Existing> existing = Optional.ofNullable(known.get(s.id()));
            if (ofAnotherConnection(s.id(), existing)) {
                return StoreOutcome.NONE;
            }
            Transition t = Transition.of(existing, s.state(), s.completedAt(), now);
            PreparedStatement st = existing.isPresent() ? updateFromList : insert;
            int i = 1;
            if (existing.isEmpty()) {
                st.setString(i++, s.id());
            }
            Jdbc.setText(st, i++, s.sha256());
            Jdbc.setText(st, i++, s.md5());
            Jdbc.setText(st, i++, s.sha1());
            Jdbc.setText(st, i++, s.filename());
            Jdbc.setText(st, i++, s.login());
            Jdbc.setLong(st, i++, s.organizationId());
            Jdbc.setLong(st, i++, s.submissionId());
            st.setString(i++, t.state());
            Jdbc.setText(st, i++, s.status());
            Jdbc.setTime(st, i++, s.submittedAt());
            Jdbc.setTime(st, i++, s.startedAt());
            Jdbc.setTime(st, i++, s.completedAt());
            st.setString(i++, TagsJson.of(s.tags()));
            Jdbc.setText(st, i++, s.vm());
            Jdbc.setText(st, i++, s.os());
            Jdbc.setText(st, i++, s.playbook());
            st.setObject(i++, s.isPrivate().orElse(null));
            Jdbc.setTime(st, i++, t.finishedAt());
            if (existing.isEmpty()) {
                Jdbc.setTime(st, i++, now);
            }
            Jdbc.setTime(st, i++, now);
            if (existing.isPresent()) {
                st.setString(i, s.id());
            } else {
                st.setString(i, connection);
            }
            st.addBatch();
            return record(s.id(), existing, t, now);
        }

        StoreOutcome applyState(StateReport report, Instant now) throws SQLException {
            Optional<Existing> existing = Optional.ofNullable(known.get(report.sampleId()));
            if (existing.isEmpty() || ofAnotherConnection(report.sampleId(), existing)) {
                return StoreOutcome.NONE; // the server answered about a sample never listed to us: not ours to record
            }
            Transition t = Transition.of(existing, report.state(), Optional.empty(), now);
            updateState.setString(1, t.state());
            Jdbc.setText(updateState, 2, report.status());
            Jdbc.setTime(updateState, 3, t.finishedAt());
            Jdbc.setTime(updateState, 4, now);
            updateState.setString(5, report.sampleId());
            updateState.addBatch();
            return record(report.sampleId(), existing, t, now);
        }

        /** Whether the sample was stored by another connection, which keeps it; said once per sample and write. */
        private boolean ofAnotherConnection(String id, Optional<Existing> existing) {
            if (existing.isEmpty() || existing.get().connection().equals(connection)) {
                return false;
            }
            log.warn("event=sample-of-other-connection sample={} connection={} stored_by={} detail=\"two"
                    + " connections list this sample; it stays with the first\"", id, connection,
                    existing.get().connection());
            return true;
        }

        /** Writes the state change (if any) and queues downloads for a new success. */
        private StoreOutcome record(String id, Optional<Existing> existing, Transition t, Instant now)
                throws SQLException {
            known.put(id, new Existing(t.state(), t.finishedAt(), connection));
            Optional<String> before = existing.map(Existing::state);
            if (before.isPresent() && before.get().equals(t.state())) {
                return StoreOutcome.NONE;
            }
            change.setString(1, id);
            Jdbc.setText(change, 2, before);
            change.setString(3, t.state());
            Jdbc.setTime(change, 4, now);
            change.addBatch();
            boolean succeeded = States.SUCC.equals(t.state());
            if (succeeded) {
                for (String name : artifactNames) {
                    queue.setString(1, id);
                    queue.setString(2, name);
                    queue.setString(3, id);
                    queue.setString(4, name);
                    queue.addBatch();
                }
            }
            return new StoreOutcome(existing.isEmpty() ? 1 : 0, existing.isPresent() ? 1 : 0, succeeded ? 1 : 0);
        }

        /** Inserts before updates, and samples before the rows that refer to them. */
        void flush() throws SQLException {
            for (PreparedStatement st : List.of(insert, updateFromList, updateState, change, queue)) {
                st.executeBatch();
            }
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement st : List.of(insert, updateFromList, updateState, change, queue)) {
                st.close();
            }
        }

        private static Map<String, Existing> existing(Connection conn, List<String> ids) throws SQLException {
            Map<String, Existing> found = new HashMap<>();
            try (PreparedStatement st = conn.prepareStatement(
                    "SELECT id, state, finished_at, connection FROM samples WHERE id = ANY(?) FOR UPDATE")) {
                st.setObject(1, ids.toArray(String[]::new));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        found.put(rs.getString("id").strip(), new Existing(rs.getString("state"),
                                Jdbc.time(rs, "finished_at"), rs.getString("connection")));
                    }
                }
            }
            return found;
        }
    }

    private void savePosition(Connection conn, FetchPosition position, Instant now) throws SQLException {
        if (position.watermark().isPresent()) {
            // never backwards, whatever a caller computed
            try (PreparedStatement st = conn.prepareStatement("""
                    MERGE INTO fetch_watermark w
                    USING (VALUES (CAST(? AS VARCHAR(32)), CAST(? AS TIMESTAMP WITH TIME ZONE))) v(connection, ts)
                    ON w.connection = v.connection
                    WHEN MATCHED AND w.submitted_at < v.ts THEN UPDATE SET submitted_at = v.ts, updated_at = ?
                    WHEN NOT MATCHED THEN INSERT (connection, submitted_at, updated_at)
                        VALUES (v.connection, v.ts, ?)""")) {
                st.setString(1, connection);
                Jdbc.setTime(st, 2, position.watermark());
                Jdbc.setTime(st, 3, now);
                Jdbc.setTime(st, 4, now);
                st.executeUpdate();
            }
        }
        Optional<FetchPosition.Listing> listing = position.inProgress();
        try (PreparedStatement st = conn.prepareStatement(SAVE_LISTING)) {
            st.setString(1, connection);
            Jdbc.setTime(st, 2, position.lastNewest());
            Jdbc.setTime(st, 3, listing.map(FetchPosition.Listing::after));
            st.setObject(4, listing.map(FetchPosition.Listing::nextOffset).orElse(null));
            st.setObject(5, listing.map(FetchPosition.Listing::pages).orElse(null));
            Jdbc.setTime(st, 6, listing.flatMap(FetchPosition.Listing::firstPageNewest));
            Jdbc.setTime(st, 7, listing.flatMap(FetchPosition.Listing::newest));
            Jdbc.setTime(st, 8, listing.map(FetchPosition.Listing::startedAt));
            st.executeUpdate();
        }
    }

    private record Existing(String state, Optional<Instant> finishedAt, String connection) {
    }

    /**
     * The state to store and its finish time. A final state is never overwritten by a non-final one (a list page
     * can lag behind the state API); the finish time prefers the server's completed_at over our first sighting.
     */
    private record Transition(String state, Optional<Instant> finishedAt) {
        static Transition of(Optional<Existing> existing, String reported, Optional<Instant> completedAt,
                             Instant now) {
            String state = existing.map(Existing::state).filter(States::isFinal)
                    .filter(stored -> !States.isFinal(reported)).orElse(reported);
            if (!States.isFinal(state)) {
                return new Transition(state, Optional.empty());
            }
            return new Transition(state,
                    completedAt.or(() -> existing.flatMap(Existing::finishedAt)).or(() -> Optional.of(now)));
        }
    }
}
