package io.tgharvester.store;

import io.tgharvester.store.UserTotals.Counts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps {@code user_totals} and {@code user_result_times} in step with {@code samples} (V10's trigger
 * samples_user_totals): what a sample row counts is its login, state, submission time and, once {@code succ}, its
 * whole seconds to result. A sample whose login changes takes its analysis's threat score along to
 * {@code user_threat_scores}.
 */
public final class SampleTotalsTrigger extends TotalsTrigger<SampleTotalsTrigger.Counted> {
    private int id;
    private int login;
    private int state;
    private int submittedAt;
    private int finishedAt;

    /** What one sample row adds to its login's totals. */
    record Counted(String id, Optional<String> login, String state, Optional<Instant> submittedAt,
                   Optional<Long> secondsToResult) {
        Counts counts() {
            return Counts.ofOne(state);
        }
    }

    @Override
    void readPositions(Map<String, Integer> columns) {
        id = columns.get("ID");
        login = columns.get("LOGIN");
        state = columns.get("STATE");
        submittedAt = columns.get("SUBMITTED_AT");
        finishedAt = columns.get("FINISHED_AT");
    }

    @Override
    void change(Connection conn, UserTotals totals, Optional<Counted> before, Optional<Counted> after)
            throws SQLException {
        if (before.isPresent() && after.isPresent() && before.get().login().equals(after.get().login())) {
            changeWithinLogin(totals, before.get(), after.get());
            return;
        }
        if (before.isPresent()) {
            remove(totals, before.get());
        }
        if (after.isPresent()) {
            add(totals, after.get());
        }
        if (before.isPresent() && after.isPresent()) {
            moveThreatScore(conn, totals, before.get(), after.get());
        }
    }

    /** The same login before and after: one write of the difference to each table that it touches. */
    private static void changeWithinLogin(UserTotals totals, Counted before, Counted after) throws SQLException {
        Counts difference = after.counts().minus(before.counts());
        boolean resubmitted = !before.submittedAt().equals(after.submittedAt());
        if (!difference.equals(Counts.NONE) || resubmitted) {
            totals.addCounts(after.login(), difference, after.submittedAt());
        }
        if (resubmitted && before.submittedAt().isPresent()) {
            totals.refreshSpan(after.login()); // the old time may have been the first or last
        }
        if (!before.secondsToResult().equals(after.secondsToResult())) {
            addResultTime(totals, before, -1);
            addResultTime(totals, after, 1);
        }
    }

    private static void add(UserTotals totals, Counted sample) throws SQLException {
        totals.addCounts(sample.login(), sample.counts(), sample.submittedAt());
        addResultTime(totals, sample, 1);
    }

    private static void remove(UserTotals totals, Counted sample) throws SQLException {
        totals.addCounts(sample.login(), Counts.NONE.minus(sample.counts()), Optional.empty());
        if (sample.submittedAt().isPresent()) {
            totals.refreshSpan(sample.login());
        }
        addResultTime(totals, sample, -1);
    }

    private static void addResultTime(UserTotals totals, Counted sample, long samples) throws SQLException {
        if (sample.secondsToResult().isPresent()) {
            totals.addResultTime(sample.login(), sample.secondsToResult().get(), samples);
        }
    }

    private static void moveThreatScore(Connection conn, UserTotals totals, Counted before, Counted after)
            throws SQLException {
        try (PreparedStatement st = conn.prepareStatement(
                "SELECT threat_score FROM analysis WHERE sample_id = ? AND threat_score IS NOT NULL")) {
            st.setString(1, after.id());
            try (ResultSet rs = st.executeQuery()) {
                if (rs.next()) {
                    totals.addThreatScore(before.login(), rs.getInt(1), -1);
                    totals.addThreatScore(after.login(), rs.getInt(1), 1);
                }
            }
        }
    }

    @Override
    Counted counted(Object[] row) {
        String sampleState = (String) row[state];
        Optional<Instant> submitted = Jdbc.instant(row[submittedAt]);
        Optional<Instant> finished = Jdbc.instant(row[finishedAt]);
        // DATEDIFF('SECOND', submitted_at, finished_at): whole seconds crossed, each time cut to its second
        Optional<Long> seconds = sampleState.equals("succ") && submitted.isPresent() && finished.isPresent()
                ? Optional.of(finished.get().getEpochSecond() - submitted.get().getEpochSecond())
                : Optional.empty();
        return new Counted(((String) row[id]).strip(), Optional.ofNullable((String) row[login]), sampleState,
                submitted, seconds);
    }
}
