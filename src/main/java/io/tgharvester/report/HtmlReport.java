package io.tgharvester.report;

import io.tgharvester.report.ActivityReport.Outcomes;
import io.tgharvester.report.ReportTable.Column;
import io.tgharvester.store.ReportQueries;
import io.tgharvester.store.ReportQueries.UserRow;
import java.time.DayOfWeek;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One self-contained HTML page per report: inline CSS (screen and print), JFreeChart charts as inline SVG, a
 * coloured weekday by hour table, and the report's tables. Nothing is loaded from anywhere, so the file can be
 * mailed, archived and opened offline. Every value from the database is escaped.
 */
public final class HtmlReport {
    /** Tables longer than this are folded (an HTML details element) so the charts stay in view. */
    private static final int FOLD_ROWS = 40;
    /** Drawing size of the charts in the two-column rows, close to their size on a laptop screen. */
    private static final int HALF_WIDTH = 560;
    private static final int HALF_HEIGHT = 320;

    private HtmlReport() {
    }

    /** The users report: who submits what and how it turns out, with the activity charts for context. */
    public static String users(UsersReport users, ActivityReport activity) {
        return users(users, activity, "");
    }

    /**
     * The users report with {@code navigation}, trusted markup of the caller's own (the console's navigation), at
     * the top of the page.
     */
    public static String users(UsersReport users, ActivityReport activity, String navigation) {
        Page page = new Page(users.document().title(), users.scope(), navigation);
        UserRow total = users.total();
        page.kpis(userKpis(users));
        if (total.submissions() == 0) {
            page.card("Submissions", "<p class=\"empty\">No submissions in this window.</p>");
        } else {
            page.card("Submissions per user", Charts.submissionsPerUser(users.users(), 1000, "chart-users"),
                    "Busiest submitters first, stacked by how their samples ended.");
        }
        page.card(users.table().title(), table(users.table(), users.scope()),
                "Time to result: seconds from submission to result of succeeded samples. "
                        + "Counts equal the user_stats view for the same window.");
        if (total.submissions() > 0) {
            page.grid(overTimeCard(activity), timeToResultCard(activity, total));
        }
        page.card("Submissions by weekday and hour", heatmap(activity),
                "Hours in " + users.scope().zone().getId() + "; darker is more.");
        return page.finish();
    }

    /** The activity report: submissions and outcomes over time, weekday by hour, file types, IOCs and domains. */
    public static String activity(ActivityReport activity, UsersReport users) {
        ReportDocument document = activity.document();
        Page page = new Page(document.title(), activity.scope(), "");
        page.kpis(activityKpis(activity, users));
        if (activity.submissions().isEmpty()) {
            page.card("Submissions", "<p class=\"empty\">No submissions in this window.</p>");
        } else {
            page.grid(overTimeCard(activity), timeToResultCard(activity, users.total()));
        }
        page.card("Submissions by weekday and hour", heatmap(activity),
                "Hours in " + activity.scope().zone().getId() + "; darker is more.");
        List<ReportTable> tables = document.tables();
        page.grid(tableCard(find(tables, "top_file_types"), activity),
                tableCard(find(tables, "top_magic_types"), activity));
        page.grid(tableCard(find(tables, "top_iocs"), activity), tableCard(find(tables, "top_domains"), activity));
        for (String name : List.of("states_per_day", "submissions_per_day", "submissions_per_hour")) {
            page.card(find(tables, name).title(), table(find(tables, name), activity.scope()));
        }
        return page.finish();
    }

    private static ReportTable find(List<ReportTable> tables, String name) {
        return tables.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private static String tableCard(ReportTable table, ActivityReport activity) {
        return "<h2>" + Html.escape(table.title()) + "</h2>\n" + table(table, activity.scope());
    }

    private static String overTimeCard(ActivityReport activity) {
        List<Outcomes> days = activity.perDay();
        boolean hourly = days.size() <= 2;
        String title = hourly ? "Submissions per hour" : "Submissions per day";
        if (days.isEmpty()) {
            return "<h2>" + title + "</h2>\n<p class=\"empty\">No submission times in this window.</p>";
        }
        return "<h2>" + title + "</h2>\n<div class=\"chart\">"
                + Charts.submissionsOverTime(hourly ? activity.perHour() : days, hourly, activity.zone(),
                HALF_WIDTH, HALF_HEIGHT, "chart-over-time")
                + "</div>\n<p class=\"note\">Stacked by outcome; " + (hourly ? "hours" : "days") + " in "
                + Html.escape(activity.zone().getId()) + ".</p>";
    }

    private static String timeToResultCard(ActivityReport activity, UserRow total) {
        List<Long> seconds = activity.secondsToResult();
        if (seconds.isEmpty()) {
            return "<h2>Time to result</h2>\n<p class=\"empty\">No succeeded analyses in this window.</p>";
        }
        return "<h2>Time to result</h2>\n<div class=\"chart\">"
                + Charts.timeToResult(seconds, total.medianSecondsToResult(), total.p95SecondsToResult(),
                HALF_WIDTH, HALF_HEIGHT, "chart-time-to-result")
                + "</div>\n<p class=\"note\">" + seconds.size() + " succeeded analyses; median "
                + total.medianSecondsToResult().map(ReportValues::duration).orElse("-") + ", p95 "
                + total.p95SecondsToResult().map(ReportValues::duration).orElse("-") + ".</p>";
    }

    private static List<String[]> userKpis(UsersReport users) {
        UserRow total = users.total();
        long n = total.submissions();
        List<String[]> kpis = new ArrayList<>();
        kpis.add(new String[]{"Submissions", String.valueOf(n), users.users().size() + " submitters"});
        kpis.add(new String[]{"Succeeded", String.valueOf(total.succeeded()), percent(total.succeeded(), n)});
        kpis.add(new String[]{"Failed", String.valueOf(total.failed()), percent(total.failed(), n)});
        kpis.add(new String[]{"Still pending", String.valueOf(total.pending()), total.stale() + " stale"});
        kpis.add(new String[]{"Median time to result",
                total.medianSecondsToResult().map(ReportValues::duration).orElse("-"),
                "p95 " + total.p95SecondsToResult().map(ReportValues::duration).orElse("-")});
        users.users().stream().findFirst().ifPresent(top -> kpis.add(new String[]{"Busiest submitter",
                top.login().orElse(ReportValues.NO_LOGIN), String.format(Locale.ROOT, "%.1f %% of submissions",
                users.sharePercent(top))}));
        total.threat().ifPresent(threat -> kpis.add(new String[]{"High severity",
                String.valueOf(threat.highSeverity()), "threat score \u2265 " + ReportQueries.HIGH_THREAT_SCORE}));
        return kpis;
    }

    private static List<String[]> activityKpis(ActivityReport activity, UsersReport users) {
        long n = activity.submissions().size();
        List<String[]> kpis = new ArrayList<>();
        kpis.add(new String[]{"Submissions", String.valueOf(n), users.users().size() + " submitters"});
        List<Outcomes> days = activity.perDay();
        long active = days.stream().filter(d -> d.submissions() > 0).count();
        kpis.add(new String[]{"Active days", String.valueOf(active), days.size() + " days spanned"});
        days.stream().max(Comparator.comparingLong(Outcomes::submissions)).ifPresent(busiest -> kpis.add(
                new String[]{"Busiest day", String.valueOf(busiest.submissions()),
                        ReportValues.display(ReportTable.Kind.DAY, busiest.start(), activity.zone())}));
        long[][] heat = activity.heatmap();
        int bestDay = 0;
        int bestHour = 0;
        for (int d = 0; d < 7; d++) {
            for (int h = 0; h < 24; h++) {
                if (heat[d][h] > heat[bestDay][bestHour]) {
                    bestDay = d;
                    bestHour = h;
                }
            }
        }
        if (heat[bestDay][bestHour] > 0) {
            kpis.add(new String[]{"Busiest hour", String.format(Locale.ROOT, "%s %02d:00",
                    DayOfWeek.of(bestDay + 1).getDisplayName(TextStyle.SHORT, Locale.ENGLISH), bestHour),
                    heat[bestDay][bestHour] + " submissions"});
        }
        activity.fileTypes().stream().findFirst().ifPresent(type -> kpis.add(new String[]{"Top file type",
                type.extension(), type.samples() + " samples"}));
        return kpis;
    }

    private static String percent(long part, long whole) {
        return whole == 0 ? "no submissions"
                : String.format(Locale.ROOT, "%.1f %% of submissions", Math.round(1000.0 * part / whole) / 10.0);
    }

    /** A report table as HTML; numbers right-aligned, the total row in the footer, long tables folded. */
    static String table(ReportTable table, ReportScope scope) {
        if (table.unavailable().isPresent()) {
            return "<p class=\"empty\">" + Html.escape(capitalized(table.unavailable().get())) + ".</p>";
        }
        if (table.rows().isEmpty()) {
            return "<p class=\"empty\">No rows in this window.</p>";
        }
        int share = indexOf(table.columns(), "share_percent");
        double largestShare = share < 0 ? 0 : table.rows().stream().map(r -> r.get(share))
                .filter(v -> v instanceof Double).mapToDouble(v -> (Double) v).max().orElse(0);
        StringBuilder out = new StringBuilder("<div class=\"table-wrap\"><table class=\"data\" data-table=\"")
                .append(Html.escape(table.name())).append("\">\n<thead><tr>");
        for (Column column : table.columns()) {
            out.append("<th").append(column.numeric() ? " class=\"num\"" : "").append(" data-col=\"")
                    .append(Html.escape(column.name())).append("\">").append(Html.escape(column.label()))
                    .append("</th>");
        }
        out.append("</tr></thead>\n<tbody>\n");
        for (List<Object> row : table.rows()) {
            appendRow(out, table.columns(), row, scope, share, largestShare);
        }
        out.append("</tbody>\n");
        if (table.total().isPresent()) {
            out.append("<tfoot>\n");
            appendRow(out, table.columns(), table.total().get(), scope, -1, 0);
            out.append("</tfoot>\n");
        }
        out.append("</table></div>\n");
        if (table.rows().size() > FOLD_ROWS) {
            return "<details><summary>" + table.rows().size() + " rows</summary>\n" + out + "</details>\n";
        }
        return out.toString();
    }

    private static void appendRow(StringBuilder out, List<Column> columns, List<Object> row, ReportScope scope,
                                  int shareColumn, double largestShare) {
        out.append("<tr>");
        for (int c = 0; c < columns.size(); c++) {
            Column column = columns.get(c);
            Object value = row.get(c);
            String text = Html.escape(ReportValues.display(column.kind(), value, scope.zone()));
            out.append("<td").append(column.numeric() ? " class=\"num\"" : "").append('>');
            if (column.kind() == ReportTable.Kind.LOGIN && value == null) {
                out.append("<span class=\"none\">").append(text).append("</span>");
            } else if (c == shareColumn && value instanceof Double d && largestShare > 0) {
                // a bar scaled to the largest share in the table, so the comparison is visible at a glance
                out.append("<span class=\"bar\" style=\"width:").append(Math.max(1, Math.round(48 * d / largestShare)))
                        .append("px\"></span>").append(text);
            } else {
                out.append(text);
            }
            out.append("</td>");
        }
        out.append("</tr>\n");
    }

    private static int indexOf(List<Column> columns, String name) {
        for (int c = 0; c < columns.size(); c++) {
            if (columns.get(c).name().equals(name)) {
                return c;
            }
        }
        return -1;
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** Weekday by hour as a table whose cells are shaded by count: clearer than a chart and prints well. */
    static String heatmap(ActivityReport activity) {
        long[][] cells = activity.heatmap();
        long max = 0;
        for (long[] day : cells) {
            for (long n : day) {
                max = Math.max(max, n);
            }
        }
        StringBuilder out = new StringBuilder("<div class=\"table-wrap\"><table class=\"heat\">\n<thead><tr><th></th>");
        for (int hour = 0; hour < 24; hour++) {
            out.append(String.format(Locale.ROOT, "<th>%02d</th>", hour));
        }
        out.append("<th class=\"num\">total</th></tr></thead>\n<tbody>\n");
        for (int day = 0; day < 7; day++) {
            out.append("<tr><th>").append(DayOfWeek.of(day + 1).getDisplayName(TextStyle.SHORT, Locale.ENGLISH))
                    .append("</th>");
            long total = 0;
            for (int hour = 0; hour < 24; hour++) {
                long n = cells[day][hour];
                total += n;
                out.append(heatCell(n, max));
            }
            out.append("<td class=\"num total\">").append(total).append("</td></tr>\n");
        }
        out.append("</tbody></table></div>\n<div class=\"heat-legend\"><span>0</span>");
        for (int step = 1; step <= 5; step++) {
            out.append("<i style=\"background:").append(shade(step / 5.0)).append("\"></i>");
        }
        out.append("<span>").append(max).append(" submissions</span></div>\n");
        return out.toString();
    }

    private static String heatCell(long n, long max) {
        if (n == 0) {
            return "<td class=\"zero\"></td>";
        }
        double level = Math.sqrt(n / (double) max);
        return "<td style=\"background:" + shade(level) + (level > 0.55 ? ";color:#fff" : "") + "\">" + n + "</td>";
    }

    /** From a pale to a deep blue; the square root above keeps a few busy hours from washing out the rest. */
    private static String shade(double level) {
        int[] pale = {0xE3, 0xF2, 0xFD};
        int[] deep = {0x0D, 0x47, 0xA1};
        int[] rgb = new int[3];
        for (int i = 0; i < 3; i++) {
            rgb[i] = (int) Math.round(pale[i] + (deep[i] - pale[i]) * Math.max(0.0, Math.min(1.0, level)));
        }
        return String.format(Locale.ROOT, "#%02X%02X%02X", rgb[0], rgb[1], rgb[2]);
    }

    /** The page being built: header, KPI tiles, cards, footer. */
    private static final class Page {
        private final StringBuilder body = new StringBuilder();
        private final String title;
        private final ReportScope scope;
        /** Markup before the header: the console's navigation, or nothing in a report file. */
        private final String navigation;

        Page(String title, ReportScope scope, String navigation) {
            this.title = title;
            this.scope = scope;
            this.navigation = navigation;
        }

        void kpis(List<String[]> tiles) {
            body.append("<section class=\"kpis\">\n");
            for (String[] tile : tiles) {
                body.append("<div class=\"kpi\"><div class=\"label\">").append(Html.escape(tile[0]))
                        .append("</div><div class=\"value\">").append(Html.escape(tile[1]))
                        .append("</div><div class=\"sub\">").append(Html.escape(tile[2])).append("</div></div>\n");
            }
            body.append("</section>\n");
        }

        void card(String heading, String html) {
            card(heading, html, null);
        }

        void card(String heading, String html, String note) {
            body.append("<section class=\"card\">\n<h2>").append(Html.escape(heading)).append("</h2>\n");
            body.append(html.startsWith("<svg") ? "<div class=\"chart\">" + html + "</div>" : html).append('\n');
            if (note != null) {
                body.append("<p class=\"note\">").append(Html.escape(note)).append("</p>\n");
            }
            body.append("</section>\n");
        }

        void grid(String left, String right) {
            body.append("<div class=\"grid2\">\n<section class=\"card\">\n").append(left)
                    .append("\n</section>\n<section class=\"card\">\n").append(right).append("\n</section>\n</div>\n");
        }

        String finish() {
            String window = scope.describe();
            String generated = ReportValues.time(scope.generatedAt(), scope.zone());
            String version = Optional.ofNullable(HtmlReport.class.getPackage().getImplementationVersion())
                    .map(v -> " " + v).orElse("");
            return """
                    <!DOCTYPE html>
                    <html lang="en">
                    <head>
                    <meta charset="utf-8">
                    <meta name="viewport" content="width=device-width, initial-scale=1">
                    <title>%1$s \u2014 %2$s</title>
                    <style>
                    %3$s</style>
                    </head>
                    <body>
                    %8$s<header>
                    <h1>%1$s</h1>
                    <p>%2$s \u00b7 times in %4$s \u00b7 generated %5$s</p>
                    </header>
                    <main>
                    %6$s</main>
                    <footer>tg-harvester%7$s \u00b7 from the local harvest database \u00b7 %1$s, %2$s</footer>
                    </body>
                    </html>
                    """.formatted(Html.escape(title), Html.escape(window), CSS, Html.escape(scope.zone().getId()),
                    Html.escape(generated), body, Html.escape(version), navigation);
        }
    }

    private static final String CSS = """
            :root { --ink: #263238; --muted: #607D8B; --line: #E0E5E8; --bg: #F3F5F7; --head: #102A43;
                    --accent: #1565C0; }
            * { box-sizing: border-box; }
            body { margin: 0; background: var(--bg); color: var(--ink);
                   font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans",
                         Arial, sans-serif; }
            header { background: var(--head); color: #fff; padding: 18px 32px 16px; }
            header h1 { margin: 0; font-size: 22px; font-weight: 600; letter-spacing: .01em; }
            header p { margin: 4px 0 0; color: #BCCCDC; font-size: 13px; }
            main { max-width: 1240px; margin: 0 auto; padding: 20px 32px 8px; }
            .kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px;
                    margin-bottom: 16px; }
            .kpi { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px 12px; }
            .kpi .label { color: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .06em; }
            .kpi .value { font-size: 24px; font-weight: 600; margin-top: 2px; white-space: nowrap; overflow: hidden;
                          text-overflow: ellipsis; }
            .kpi .sub { color: var(--muted); font-size: 12px; }
            .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 20px 12px;
                    margin-bottom: 16px; min-width: 0; }
            .card h2 { font-size: 15px; font-weight: 600; margin: 0 0 8px; }
            .grid2 { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; }
            .grid2 > .card { margin-bottom: 16px; }
            .chart svg { display: block; width: 100%; height: auto; }
            .note { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
            .empty { color: var(--muted); font-style: italic; margin: 4px 0; }
            .table-wrap { overflow-x: auto; }
            table.data { border-collapse: collapse; width: 100%; font-size: 12.5px; }
            table.data th, table.data td { padding: 5px 6px; border-bottom: 1px solid var(--line); text-align: left;
                                           white-space: nowrap; }
            table.data th { color: var(--muted); font-weight: 600; font-size: 12px; background: #FAFBFC; white-space: normal; }
            table.data .num { text-align: right; font-variant-numeric: tabular-nums; }
            table.data tbody tr:nth-child(even) { background: #FAFBFC; }
            table.data tfoot td { font-weight: 600; border-top: 2px solid var(--ink); border-bottom: none; }
            .none { color: var(--muted); font-style: italic; }
            .bar { display: inline-block; height: 8px; background: var(--accent); opacity: .7; border-radius: 2px;
                   margin-right: 6px; vertical-align: middle; }
            table.heat { border-collapse: separate; border-spacing: 2px; font-size: 11px; width: 100%;
                         table-layout: fixed; }
            table.heat th { color: var(--muted); font-weight: 500; text-align: center; }
            table.heat tbody th { text-align: left; width: 44px; }
            table.heat th.num, table.heat td.total { width: 52px; text-align: right; }
            table.heat td { height: 24px; text-align: center; border-radius: 3px; background: #F7F9FA;
                            font-variant-numeric: tabular-nums; }
            table.heat td.total { background: none; font-weight: 600; }
            .heat-legend { display: flex; align-items: center; gap: 3px; color: var(--muted); font-size: 11px;
                           margin-top: 6px; }
            .heat-legend i { display: inline-block; width: 22px; height: 10px; border-radius: 2px; }
            .heat-legend span { margin: 0 4px; }
            details summary { cursor: pointer; color: var(--accent); margin-bottom: 6px; }
            footer { color: var(--muted); font-size: 12px; text-align: center; padding: 4px 16px 20px; }
            @media (max-width: 900px) { .grid2 { grid-template-columns: minmax(0, 1fr); } main { padding: 16px; } }
            @media print {
              @page { size: A4 landscape; margin: 12mm; }
              * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
              body { background: #fff; font-size: 11px; }
              header { background: #fff; color: #000; padding: 0 0 6px; border-bottom: 2px solid #000; }
              header p { color: #333; }
              main { max-width: none; padding: 10px 0 0; }
              .card, .kpi { border-color: #BBB; break-inside: avoid; page-break-inside: avoid; }
              .card { padding: 8px 12px; }
              .kpis { grid-template-columns: repeat(auto-fit, minmax(110px, 1fr)); gap: 8px; }
              .kpi .value { font-size: 17px; }
              .grid2 { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 10px; }
              .chart svg { max-height: 110mm; }
              table.data th, table.data td { padding: 3px 6px; }
              footer { padding-top: 8px; }
            }
            """;
}
