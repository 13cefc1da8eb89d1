package io.tgharvester.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.TgJson;
import io.tgharvester.api.Sample;
import io.tgharvester.api.StateReport;
import io.tgharvester.correlate.CorrelationRows.Summary;
import io.tgharvester.store.ReportQueries.UserRow;
import io.tgharvester.store.ReportQueries.Window;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-login totals of V10 stay what a recount of samples and analysis gives after every change the harvester
 * makes (listings, state answers, stale marking, parses and reparses), and after the ones it never makes but the
 * triggers must still follow (a sample's login or submission time changing, a sample deleted).
 */
class UserTotalsTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final String[] LOGINS = {"alice", "bob", "carol", null};
    private static final String[] STATES = {"wait", "run", "proc", "succ", "succ", "succ", "fail"};
    private static final List<String> RECOUNT = List.of("""
            SELECT login, COUNT(*), SUM(CASE WHEN state = 'succ' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN state = 'fail' THEN 1 ELSE 0 END), SUM(CASE WHEN state = 'stale' THEN 1 ELSE 0 END),
                   MIN(submitted_at), MAX(submitted_at)
            FROM samples GROUP BY login""", """
            SELECT login, DATEDIFF('SECOND', submitted_at, finished_at), COUNT(*)
            FROM samples WHERE state = 'succ' AND submitted_at IS NOT NULL AND finished_at IS NOT NULL
            GROUP BY login, DATEDIFF('SECOND', submitted_at, finished_at)""", """
            SELECT s.login, a.threat_score, COUNT(*) FROM analysis a JOIN samples s ON s.id = a.sample_id
            WHERE a.threat_score IS NOT NULL GROUP BY s.login, a.threat_score""");
    private static final List<String> KEPT = List.of("""
            SELECT login, submissions, succeeded, failed, stale, first_submitted_at, last_submitted_at
            FROM user_totals""",
            "SELECT login, seconds_to_result, samples FROM user_result_times",
            "SELECT login, threat_score, samples FROM user_threat_scores");

    @TempDir
    Path dataDir;

    private final SplittableRandom rnd = new SplittableRandom(13);

    @Test
    void totalsEqualARecountAfterEveryKindOfChangeAndTheReportAndViewEqualTheExactNumbers() throws Exception {
        try (Database db = Database.open(dataDir)) {
            SampleStore samples = new SampleStore(db, List.of("analysis.json"));
            CorrelationStore analyses = new CorrelationStore(db);
            List<String> done = new ArrayList<>();
            for (int step = 0; step < 300; step++) {
                // fractional seconds, as the harvester's own clock gives finished_at when the API has no completed_at
                Instant now = T0.plusMillis(60_000 + step * 13_700L);
                String change = switch (rnd.nextInt(12)) {
                    case 0, 1, 2, 3 -> {
                        samples.storePage(page(now), now);
                        yield "a list page";
                    }
                    case 4, 5 -> {
                        samples.applyStates(stateAnswer(), now);
                        yield "a state answer";
                    }
                    case 6 -> {
                        samples.markStale(now.minusSeconds(rnd.nextInt(600)), now);
                        yield "stale marking";
                    }
                    case 7, 8, 9 -> parse(db, analyses, now).map(id -> "a parse of " + id).orElse("no parse");
                    case 10 -> changeLogin(db);
                    default -> delete(db);
                };
                done.add(change);
                assertEquals(rows(db, RECOUNT), rows(db, KEPT), "after step " + step + ", " + change);
            }
            assertTrue(done.stream().distinct().count() > 6, "every kind of change happened: " + done);

            ReportQueries reports = new ReportQueries(db);
            for (Window window : List.of(Window.ALL, new Window(Optional.of(T0.plusSeconds(600)), Optional.empty()),
                    new Window(Optional.of(T0.plusSeconds(300)), Optional.of(T0.plusSeconds(1500))))) {
                ReportQueries.Users report = reports.users(window);
                List<UserRow> actual = new ArrayList<>(report.users());
                actual.add(report.total());
                ExactUserStats.assertAgree(ExactUserStats.rowsThenTotal(db, window), actual, window.toString());
            }
            List<UserRow> exact = ExactUserStats.rowsThenTotal(db, Window.ALL);
            ExactUserStats.assertAgree(exact.subList(0, exact.size() - 1).stream().map(ExactUserStats::asInView)
                    .toList(), ExactUserStats.userStatsView(db), "user_stats");
        }
    }

    /** Samples 1 to 60 as a list page shows them: each keeps its login and submission time, nearly always. */
    private List<Sample> page(Instant now) {
        List<Sample> page = new ArrayList<>();
        for (int i = rnd.nextInt(1, 15); i > 0; i--) {
            int n = rnd.nextInt(1, 61);
            String login = rnd.nextInt(20) == 0 ? LOGINS[rnd.nextInt(4)] : LOGINS[n % 4];
            Instant submitted = T0.plusSeconds(n * 29L + (rnd.nextInt(20) == 0 ? rnd.nextInt(1, 400) : 0));
            String state = STATES[rnd.nextInt(STATES.length)];
            Optional<Instant> completed = state.matches("succ|fail") && rnd.nextBoolean()
                    ? Optional.of(submitted.plusSeconds(rnd.nextInt(30, 900))) : Optional.empty();
            page.add(new Sample(TgJson.id(n), state, Optional.empty(), Optional.empty(), Optional.ofNullable(login),
                    Optional.empty(), Optional.empty(), Optional.of(submitted), Optional.empty(), completed,
                    Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty()));
        }
        return page;
    }

    private List<StateReport> stateAnswer() {
        List<StateReport> answer = new ArrayList<>();
        for (int i = rnd.nextInt(1, 10); i > 0; i--) {
            answer.add(new StateReport(TgJson.id(rnd.nextInt(1, 61)), STATES[rnd.nextInt(STATES.length)],
                    Optional.empty()));
        }
        return answer;
    }

    /** Parses (or parses again) a stored sample's analysis with a new threat score, or none. */
    private Optional<String> parse(Database db, CorrelationStore analyses, Instant now) throws Exception {
        Optional<String> id = anyStoredSample(db);
        if (id.isPresent()) {
            Optional<Integer> score = rnd.nextInt(5) == 0 ? Optional.empty() : Optional.of(rnd.nextInt(0, 101));
            analyses.replace(id.get(), now, sink -> sink.summary(new Summary(score, Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), 0)));
        }
        return id;
    }

    /** Gives a stored sample another login (or none), as a list page never has so far. */
    private String changeLogin(Database db) throws SQLException {
        Optional<String> id = anyStoredSample(db);
        if (id.isEmpty()) {
            return "no login change";
        }
        String login = LOGINS[rnd.nextInt(4)];
        execute(db, "UPDATE samples SET login = ? WHERE id = ?", login, id.get());
        return "the login of " + id.get() + " set to " + login;
    }

    /** Deletes a sample with every row that refers to it, as no part of the harvester ever does. */
    private String delete(Database db) throws SQLException {
        Optional<String> id = anyStoredSample(db);
        if (id.isEmpty()) {
            return "no delete";
        }
        for (String table : List.of("state_changes", "artifacts", "parse_state", "iocs", "network_flows", "domains",
                "urls", "artifact_hashes", "processes", "registry_keys", "analysis")) {
            execute(db, "DELETE FROM " + table + " WHERE sample_id = ?", id.get());
        }
        execute(db, "DELETE FROM samples WHERE id = ?", id.get());
        return "a delete of " + id.get();
    }

    private Optional<String> anyStoredSample(Database db) throws SQLException {
        List<List<Object>> ids = rows(db, List.of("SELECT id FROM samples ORDER BY id"));
        return ids.isEmpty() ? Optional.empty()
                : Optional.of(((String) ids.get(rnd.nextInt(ids.size())).get(1)).strip());
    }

    private static void execute(Database db, String sql, String... values) throws SQLException {
        try (Connection conn = db.ownerConnection(); PreparedStatement st = conn.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                st.setString(i + 1, values[i]);
            }
            st.executeUpdate();
        }
    }

    /** Every row of every query, each row's values as strings, sorted. */
    private static List<List<Object>> rows(Database db, List<String> queries) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection conn = db.ownerConnection()) {
            for (int q = 0; q < queries.size(); q++) {
                try (PreparedStatement st = conn.prepareStatement(queries.get(q)); ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        List<Object> row = new ArrayList<>(List.of(q));
                        for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
                            row.add(String.valueOf(rs.getObject(c)));
                        }
                        rows.add(row);
                    }
                }
            }
        }
        rows.sort((a, b) -> Arrays.toString(a.toArray()).compareTo(Arrays.toString(b.toArray())));
        return rows;
    }
}
