package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.squareup.moshi.Moshi;
import io.tgharvester.TestClock;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import io.tgharvester.store.Database;
import io.tgharvester.store.ExactUserStats;
import io.tgharvester.store.ReportQueries.ThreatStats;
import io.tgharvester.store.ReportQueries.UserRow;
import io.tgharvester.store.ReportQueries.Window;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real harvest of the simulator (a month of history, samples without a login, failures, analyses still
 * running, threat scores parsed), {@code report users} tells exactly the numbers a straightforward computation over
 * every sample gives, all time and over windows, and so does the user_stats view.
 */
class ReportUsersExactnessTest {
    private static final String KEY = "report-exactness-key";

    @TempDir
    Path dataDir;

    @Test
    void reportAndViewTellTheExactNumbersAllTimeAndOverWindows() throws Exception {
        TestClock clock = new TestClock(Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS));
        SimulatorConfig config = new SimulatorConfig(KEY, List.of("alice", "bob", "carol"), 0.2,
                Duration.ofSeconds(20), 40, Duration.ofDays(25), 70, Duration.ofSeconds(50), 0.2, 0.1, 0.1, 17L);
        Map<String, String> env;
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(config, clock)) {
            simulator.start(0);
            env = Map.of("TG_API_KEY", KEY, "TG_BASE_URL", simulator.baseUrl().toString(),
                    "TG_DATA_DIR", dataDir.toString(), "HARVESTER_INITIAL_LOOKBACK", "30d");
            for (int pass = 0; pass < 4; pass++) {
                clock.advance(Duration.ofMinutes(2));
                assertEquals(0, CliRun.run(env, "run", "--once").exitCode());
            }
        }

        Reported allTime = report(env, "report", "users", "--format", "json");
        Reported lastWeek = report(env, "report", "users", "--since", "7d", "--format", "json");
        Instant from = Instant.now().minus(Duration.ofDays(12)).truncatedTo(ChronoUnit.DAYS);
        Reported between = report(env, "report", "users", "--zone", "UTC", "--from", from.toString(), "--to",
                from.plus(Duration.ofDays(8)).toString(), "--format", "json");

        try (Database db = Database.open(dataDir)) {
            List<UserRow> exact = ExactUserStats.rowsThenTotal(db, Window.ALL);
            UserRow total = exact.get(exact.size() - 1);
            assertTrue(total.pending() > 0 && total.failed() > 0 && total.succeeded() > 20, total.toString());
            assertTrue(exact.stream().anyMatch(row -> row.login().isEmpty() && row.submissions() > 0),
                    "samples without a login");
            assertTrue(total.threat().flatMap(ThreatStats::maxScore).isPresent(), "analyses parsed");

            assertTrue(allTime.window().isAll());
            ExactUserStats.assertAgree(exact, allTime.rowsThenTotal(), "report users");
            for (Reported windowed : List.of(lastWeek, between)) {
                UserRow windowTotal = windowed.rowsThenTotal().get(windowed.rowsThenTotal().size() - 1);
                assertTrue(windowTotal.submissions() > 0 && windowTotal.submissions() < total.submissions(),
                        "the window holds some samples, not all: " + windowed.window());
                ExactUserStats.assertAgree(ExactUserStats.rowsThenTotal(db, windowed.window()),
                        windowed.rowsThenTotal(), "report users, " + windowed.window());
            }
            ExactUserStats.assertAgree(exact.subList(0, exact.size() - 1).stream().map(ExactUserStats::asInView)
                    .toList(), ExactUserStats.userStatsView(db), "user_stats");
        }
    }

    /** The window a report covered, and its rows then its total, as its JSON tells them. */
    private record Reported(Window window, List<UserRow> rowsThenTotal) {
    }

    @SuppressWarnings("unchecked")
    private static Reported report(Map<String, String> env, String... args) throws IOException {
        CliRun.Result result = CliRun.run(env, args);
        assertEquals(0, result.exitCode(), result.err());
        Map<String, Object> json = new Moshi.Builder().build().adapter(Map.class).fromJson(result.out());
        Map<String, Object> window = (Map<String, Object>) json.get("window");
        List<UserRow> rows = new ArrayList<>();
        for (Object user : (List<Object>) json.get("users")) {
            Map<String, Object> row = (Map<String, Object>) user;
            rows.add(row(Optional.ofNullable((String) row.get("login")), row));
        }
        rows.add(row(Optional.empty(), (Map<String, Object>) json.get("total")));
        return new Reported(new Window(time(window.get("from")), time(window.get("to"))), rows);
    }

    private static UserRow row(Optional<String> login, Map<String, Object> json) {
        Optional<ThreatStats> threat = json.containsKey("mean_threat_score")
                ? Optional.of(new ThreatStats(decimal(json, "mean_threat_score"), decimal(json, "max_threat_score"),
                count(json, "high_severity")))
                : Optional.empty();
        return new UserRow(login, count(json, "submissions"), count(json, "succeeded"), count(json, "failed"),
                count(json, "pending"), count(json, "stale"), time(json.get("first_submitted_at")),
                time(json.get("last_submitted_at")), decimal(json, "mean_seconds_to_result"),
                decimal(json, "median_seconds_to_result"), decimal(json, "p95_seconds_to_result"), threat);
    }

    private static long count(Map<String, Object> json, String name) {
        return ((Number) json.get(name)).longValue();
    }

    private static Optional<Double> decimal(Map<String, Object> json, String name) {
        return Optional.ofNullable((Number) json.get(name)).map(Number::doubleValue);
    }

    private static Optional<Instant> time(Object iso) {
        return Optional.ofNullable((String) iso).map(Instant::parse);
    }
}
