package io.tgharvester.console;

import io.tgharvester.config.ConnectionConfig;
import io.tgharvester.config.Durations;
import io.tgharvester.report.HarvestSummary;
import io.tgharvester.store.JobRunStore;
import io.tgharvester.store.Queries;
import io.tgharvester.store.QueryResult;
import io.tgharvester.store.ReportQueries;
import io.tgharvester.store.ReportQueries.UserRow;
import io.tgharvester.store.ReportQueries.Window;
import io.tgharvester.store.StageRun;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The overview: is the harvest keeping up (each stage's last success and failure, the pause of all calls, the
 * watermark), what it holds (samples by state, artifacts and bytes, parsed analyses) and what came in lately.
 */
final class OverviewPage {
    /** The recent stretches of time whose submissions the overview counts, as the samples page's since= takes them. */
    private static final List<String> RECENT = List.of("24h", "7d");

    private final Queries queries;
    private final JobRunStore runs;
    private final ReportQueries reports;
    private final HealthCheck health;
    private final Optional<PauseState> daemon;
    private final Clock clock;

    OverviewPage(Queries queries, JobRunStore runs, ReportQueries reports, HealthCheck health,
                 Optional<PauseState> daemon, Clock clock) {
        this.queries = queries;
        this.runs = runs;
        this.reports = reports;
        this.health = health;
        this.daemon = daemon;
        this.clock = clock;
    }

    Markup render() {
        Instant now = clock.instant();
        HarvestSummary summary = HarvestSummary.of(queries);
        HealthCheck.Health status = health.check(runs.runs(), now);
        List<UserRow> recent = RECENT.stream()
                .map(since -> reports.users(new Window(Optional.of(now.minus(Durations.parse(since))),
                        Optional.empty())).total()).toList();
        long backlog = summary.artifacts("pending") + summary.artifacts("failed");
        long bytesDone = queries.artifactsByStatus().rows().stream().filter(row -> "done".equals(row.get(0)))
                .mapToLong(row -> ((Number) row.get(2)).longValue()).sum();
        Markup kpis = Markup.join(List.of(
                kpi("Samples", String.valueOf(summary.samples()),
                        summary.samplesByState().getOrDefault("succ", 0L) + " succeeded"),
                kpi("Last 24 h", String.valueOf(recent.get(0).submissions()), outcomes(recent.get(0))),
                kpi("Last 7 d", String.valueOf(recent.get(1).submissions()), outcomes(recent.get(1))),
                kpi("Download backlog", String.valueOf(backlog), summary.artifacts("failed") + " failed"),
                kpi("Artifacts on disk", Cells.bytes(bytesDone), summary.artifacts("done") + " files"),
                kpi("Health", status.healthy() ? "ok" : "attention",
                        status.healthy() ? "every stage keeps up" : status.problems().size() + " problems")));
        Markup body = Markup.of("<section class=\"kpis\">\n%s</section>\n", kpis)
                .plus(Layout.card("Stages", stages(status, now)))
                .plus(Markup.of("<div class=\"grid2\">\n%s%s</div>\n",
                        Layout.card("Samples by state", samplesByState(summary)),
                        Layout.card("Artifacts by status", artifactsByStatus())))
                .plus(Layout.card("Submissions", submissions(recent)))
                .plus(Layout.card("Parsed analyses", Tables.table(queries.analysesByParseStatus(),
                        Tables.ColumnLinks.NONE, false)));
        return Layout.page(Optional.of(Layout.Section.OVERVIEW), "Overview", body, true);
    }

    private static Markup kpi(String label, String value, String sub) {
        return Markup.of("<div class=\"kpi\"><div class=\"label\">%s</div><div class=\"value\">%s</div>"
                + "<div class=\"sub\">%s</div></div>\n", label, value, sub);
    }

    private static String outcomes(UserRow row) {
        return row.succeeded() + " succeeded, " + row.failed() + " failed, " + row.pending() + " pending";
    }

    private Markup stages(HealthCheck.Health status, Instant now) {
        List<Markup> rows = new ArrayList<>();
        for (HealthCheck.StageHealth stage : status.stages()) {
            Optional<StageRun> run = stage.run();
            rows.add(Markup.of("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
                            + "<td class=\"%s\">%s</td></tr>\n", stage.stage(), Durations.format(stage.interval()),
                    when(run.flatMap(StageRun::lastSuccess), now), when(run.flatMap(StageRun::lastFailure), now),
                    run.flatMap(StageRun::lastError).orElse(Cells.NOTHING), stage.healthy() ? "ok" : "bad",
                    stage.healthy() ? "keeps up" : "no success for over " + Durations.format(stage.limit())));
        }
        Markup table = Markup.of("<div class=\"table-wrap\"><table class=\"data\">\n<thead><tr><th>stage</th>"
                + "<th>runs every</th><th>last success</th><th>last failure</th><th>last error</th><th>health</th>"
                + "</tr></thead>\n<tbody>\n%s</tbody></table></div>\n", Markup.join(rows));
        List<Markup> facts = new ArrayList<>();
        facts.add(Markup.of("<dt>pause of all calls</dt><dd>%s</dd>\n", pause(now)));
        facts.add(Markup.of("<dt>fetch watermark</dt><dd>%s</dd>\n", when(queries.watermark(), now)));
        QueryResult listing = queries.listingInProgress();
        listing.rows().forEach(row -> facts.add(Markup.of(
                "<dt>listing in progress%s</dt><dd>from %s, %s pages so far, continues at offset %s</dd>\n",
                ConnectionConfig.DEFAULT.equals(row.get(0)) ? "" : " of " + row.get(0), Cells.text(row.get(1)),
                row.get(2), row.get(3))));
        return table.plus(Markup.of("<dl class=\"fields\">\n%s</dl>\n", Markup.join(facts)));
    }

    private String pause(Instant now) {
        if (daemon.isEmpty()) {
            return "known inside the daemon only: run --serve shows it";
        }
        return daemon.get().pausedUntil().map(until -> "paused until " + Cells.time(until) + " UTC ("
                + Durations.format(Duration.between(now, until).withNanos(0)) + " left)").orElse("none");
    }

    private static String when(Optional<Instant> at, Instant now) {
        return at.map(t -> Cells.time(t) + " (" + Cells.ago(t, now) + ")").orElse(Cells.NOTHING);
    }

    private static Markup samplesByState(HarvestSummary summary) {
        long total = Math.max(1, summary.samples());
        List<Markup> rows = new ArrayList<>();
        summary.samplesByState().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> rows.add(
                Markup.of("<tr><td><a href=\"%s\">%s</a></td><td class=\"num\">%s</td>"
                                + "<td><meter min=\"0\" max=\"%s\" value=\"%s\"></meter></td></tr>\n",
                        Links.withQuery(Links.SAMPLES, Map.of("state", e.getKey())), e.getKey(), e.getValue(),
                        total, e.getValue())));
        return rows.isEmpty() ? Markup.of("<p class=\"empty\">No samples yet.</p>\n")
                : Markup.of("<table class=\"data\">\n<thead><tr><th>state</th><th>samples</th><th>share</th></tr>"
                + "</thead>\n<tbody>\n%s</tbody></table>\n", Markup.join(rows));
    }

    private Markup artifactsByStatus() {
        List<Markup> rows = new ArrayList<>();
        for (List<Object> row : queries.artifactsByStatus().rows()) {
            rows.add(Markup.of("<tr><td>%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>\n",
                    row.get(0), row.get(1), Cells.bytes(((Number) row.get(2)).longValue())));
        }
        return rows.isEmpty() ? Markup.of("<p class=\"empty\">No artifacts yet.</p>\n")
                : Markup.of("<table class=\"data\">\n<thead><tr><th>status</th><th>artifacts</th><th>bytes</th>"
                + "</tr></thead>\n<tbody>\n%s</tbody></table>\n", Markup.join(rows));
    }

    private static Markup submissions(List<UserRow> recent) {
        List<Markup> rows = new ArrayList<>();
        for (int i = 0; i < RECENT.size(); i++) {
            UserRow row = recent.get(i);
            String since = RECENT.get(i);
            rows.add(Markup.of("<tr><td><a href=\"%s\">last %s</a></td><td class=\"num\">%s</td>"
                            + "<td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
                            + "<td class=\"num\">%s</td></tr>\n",
                    Links.withQuery(Links.SAMPLES, Map.of("since", since)), since, row.submissions(),
                    row.succeeded(), row.failed(), row.pending(), row.stale()));
        }
        return Markup.of("<table class=\"data\">\n<thead><tr><th>submitted</th><th>samples</th><th>succeeded</th>"
                + "<th>failed</th><th>pending</th><th>stale</th></tr></thead>\n<tbody>\n%s</tbody></table>\n"
                + "<p class=\"note\">By submission time; per user: <a href=\"%s\">Users</a>.</p>\n",
                Markup.join(rows), Links.USERS);
    }
}
