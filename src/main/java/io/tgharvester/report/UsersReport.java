package io.tgharvester.report;

import static io.tgharvester.report.ReportTable.column;

import io.tgharvester.report.ReportTable.Column;
import io.tgharvester.report.ReportTable.Kind;
import io.tgharvester.store.ReportQueries;
import io.tgharvester.store.ReportQueries.ThreatStats;
import io.tgharvester.store.ReportQueries.UserRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Who submits what and how it turns out: one row per submitting login in the window (samples without a login are
 * their own row), with the same counts and times to result as the {@code user_stats} view, each login's share of
 * the organization's submissions, and threat scores once analyses have been parsed into the {@code analysis} table.
 */
public record UsersReport(ReportScope scope, List<UserRow> users, UserRow total, boolean threatScores) {
    public UsersReport {
        users = List.copyOf(users);
    }

    public static UsersReport load(ReportQueries queries, ReportScope scope) {
        ReportQueries.Users users = queries.users(scope.window());
        return new UsersReport(scope, users.users(), users.total(), users.total().threat().isPresent());
    }

    /** A login's share of all submissions in the window, in percent rounded to one decimal (0 when there are none). */
    public double sharePercent(UserRow user) {
        return total.submissions() == 0 ? 0.0 : Math.round(1000.0 * user.submissions() / total.submissions()) / 10.0;
    }

    public List<Column> columns() {
        List<Column> columns = new ArrayList<>(List.of(
                column("login", "login", Kind.LOGIN),
                column("submissions", "submissions", Kind.COUNT),
                column("succeeded", "succeeded", Kind.COUNT),
                column("failed", "failed", Kind.COUNT),
                column("pending", "pending", Kind.COUNT),
                column("stale", "stale", Kind.COUNT),
                column("share_percent", "share %", Kind.PERCENT),
                column("first_submitted_at", "first submitted", Kind.TIME),
                column("last_submitted_at", "last submitted", Kind.TIME),
                column("mean_seconds_to_result", "mean s", Kind.DECIMAL),
                column("median_seconds_to_result", "median s", Kind.DECIMAL),
                column("p95_seconds_to_result", "p95 s", Kind.DECIMAL)));
        if (threatScores) {
            columns.add(column("mean_threat_score", "mean score", Kind.DECIMAL));
            columns.add(column("max_threat_score", "max score", Kind.DECIMAL));
            columns.add(column("high_severity", "score \u2265 " + ReportQueries.HIGH_THREAT_SCORE, Kind.COUNT));
        }
        return List.copyOf(columns);
    }

    /** The per-login table, closed by the organization's total row. */
    public ReportTable table() {
        List<List<Object>> rows = new ArrayList<>();
        users.forEach(user -> rows.add(row(user, user.login().orElse(null))));
        return ReportTable.of("users", "Per-user statistics", columns(), rows).withTotal(row(total, "all users"));
    }

    private List<Object> row(UserRow user, String login) {
        List<Object> row = new ArrayList<>(Arrays.asList(login, user.submissions(), user.succeeded(), user.failed(),
                user.pending(), user.stale(), sharePercent(user), user.firstSubmittedAt().orElse(null),
                user.lastSubmittedAt().orElse(null), user.meanSecondsToResult().orElse(null),
                user.medianSecondsToResult().orElse(null), user.p95SecondsToResult().orElse(null)));
        if (threatScores) {
            Optional<ThreatStats> threat = user.threat();
            row.add(threat.flatMap(ThreatStats::meanScore).orElse(null));
            row.add(threat.flatMap(ThreatStats::maxScore).orElse(null));
            row.add(threat.map(ThreatStats::highSeverity).orElse(0L));
        }
        return row;
    }

    public ReportDocument document() {
        return new ReportDocument("users", "Threat Grid submissions by user", scope, List.of(table()));
    }
}
