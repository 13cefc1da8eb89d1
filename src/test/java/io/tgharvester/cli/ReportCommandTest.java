package io.tgharvester.cli;

import static io.tgharvester.report.ReportFixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.squareup.moshi.Moshi;
import io.tgharvester.report.ReportFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report commands run in-process on a real database, and every format tells the same numbers. */
class ReportCommandTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
    /** The columns every format has, in order; times to the minute in Berlin, decimals to one place. */
    private static final List<String> COLUMNS = List.of("login", "submissions", "succeeded", "failed", "pending",
            "stale", "share_percent", "first_submitted_at", "last_submitted_at", "mean_seconds_to_result",
            "median_seconds_to_result", "p95_seconds_to_result");

    @TempDir
    Path dataDir;

    private Map<String, String> env() {
        return Map.of("TG_DATA_DIR", dataDir.toString());
    }

    private CliRun.Result run(String... args) {
        return CliRun.run(env(), args);
    }

    private String ok(String... args) {
        CliRun.Result result = run(args);
        assertEquals(0, result.exitCode(), result.err());
        return result.out();
    }

    @Test
    void reportAndBothSubcommandsExplainThemselves() {
        String report = ok("report", "--help");
        assertTrue(report.contains("users") && report.contains("activity"), report);
        for (String sub : List.of("users", "activity")) {
            String help = ok("report", sub, "--help");
            for (String option : List.of("--since", "--from", "--to", "--format", "--out", "--zone", "--config",
                    "--set")) {
                assertTrue(help.contains(option), sub + " --help lacks " + option + ":\n" + help);
            }
        }
        assertTrue(ok("--help").contains("report"));
    }

    @Test
    void usersNumbersAgreeAcrossTableCsvJsonHtmlAndTheUserStatsView() throws IOException {
        ReportFixtures.storeHandCounted(dataDir);
        String[] common = {"report", "users", "--zone", "Europe/Berlin", "--format"};

        List<List<String>> table = fromTable(ok(concat(common, "table")));
        List<List<String>> csv = fromCsv(ok(concat(common, "csv")));
        List<List<String>> json = fromJson(ok(concat(common, "json")));
        Path html = dataDir.resolve("out/users.html");
        assertTrue(ok(concat(common, "html", "--out", html.toString())).startsWith("Report written to "));
        List<List<String>> fromHtml = fromHtml(Files.readString(html));

        assertEquals(6, table.size());
        assertEquals(Arrays.asList("alice", "6", "4", "1", "1", "0", "54.5", "2026-11-20 11:00", "2026-11-20 11:00",
                "400.0", "250.0", "895.0"), table.get(0));
        assertEquals(Arrays.asList("(none)", "1", "0", "0", "1", "0", "9.1", "2026-11-20 11:00", "2026-11-20 11:00",
                "-", "-", "-"), table.get(5));
        assertEquals(table, csv, "csv");
        assertEquals(table, json, "json");
        assertEquals(table, fromHtml, "html");

        // the view has no share and no median: compare the rest
        List<List<String>> view = fromJson(ok("sql",
                "SELECT * FROM user_stats ORDER BY submissions DESC, login NULLS LAST", "--format", "json"));
        assertEquals(withoutShareAndMedian(table), withoutShareAndMedian(view));
    }

    @Test
    void aFromToWindowAppliesToEveryFormat() throws IOException {
        ReportFixtures.storeHandCounted(dataDir);
        String[] common = {"report", "users", "--zone", "Europe/Berlin", "--from", "2026-11-20T10:00+01:00",
                "--to", "2026-11-20T12:00", "--format"};

        List<List<String>> table = fromTable(ok(concat(common, "table")));

        assertEquals(List.of("alice", "bob", "dave", "(none)"), table.stream().map(r -> r.get(0)).toList());
        assertEquals(Arrays.asList("bob", "1", "0", "1", "0", "0", "11.1", "2026-11-20 11:00", "2026-11-20 11:00",
                "-", "-", "-"), table.get(1));
        assertEquals(table, fromCsv(ok(concat(common, "csv"))));
        assertEquals(table, fromJson(ok(concat(common, "json"))));
        String json = ok(concat(common, "json"));
        assertTrue(json.contains("\"from\": \"2026-11-20T09:00:00Z\",\n    \"to\": \"2026-11-20T11:00:00Z\""), json);
    }

    @Test
    void aBareToDateIncludesThatWholeDay() {
        ReportFixtures.storeHandCounted(dataDir);

        List<List<String>> table = fromTable(ok("report", "users", "--zone", "UTC", "--from", "2026-11-20",
                "--to", "2026-11-20"));

        assertEquals(List.of("alice", "bob", "dave", "erin", "(none)"), table.stream().map(r -> r.get(0)).toList(),
                "erin at 23:30 UTC is in, carol three days earlier is not");
    }

    @Test
    void sinceCountsBackFromNow() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ReportFixtures.store(dataDir, List.of(
                ReportFixtures.sample(1, "alice", "succ", now.minus(2, ChronoUnit.DAYS), 300L, "a.exe"),
                ReportFixtures.sample(2, "bob", "succ", now.minus(10, ChronoUnit.DAYS), 300L, "b.exe")), now);

        List<List<String>> week = fromTable(ok("report", "users", "--since", "7d"));
        List<List<String>> month = fromTable(ok("report", "users", "--since", "30d"));

        assertEquals(List.of("alice"), week.stream().map(r -> r.get(0)).toList());
        assertEquals(List.of("alice", "bob"), month.stream().map(r -> r.get(0)).toList());
    }

    @Test
    void anEmptyDatabaseGivesAnEmptyReportInEveryFormat() throws IOException {
        ReportFixtures.store(dataDir, List.of(), T0);

        assertTrue(ok("report", "users").contains("(0 rows)"));
        assertEquals("login,submissions,succeeded,failed,pending,stale,share_percent,first_submitted_at,"
                + "last_submitted_at,mean_seconds_to_result,median_seconds_to_result,p95_seconds_to_result\r\n",
                ok("report", "users", "--format", "csv"));
        assertTrue(ok("report", "users", "--format", "json").contains("\"users\": [],"));
        Path html = dataDir.resolve("empty.html");
        ok("report", "activity", "--format", "html", "--out", html.toString());
        assertTrue(Files.readString(html).contains("No submissions in this window."));
    }

    @Test
    void activityPrintsEveryTableAndMarksTheOnesWithoutDataYet() {
        ReportFixtures.storeHandCounted(dataDir);

        String csv = ok("report", "activity", "--zone", "Europe/Berlin", "--format", "csv");
        String json = ok("report", "activity", "--zone", "Europe/Berlin", "--format", "json");
        String table = ok("report", "activity", "--zone", "Europe/Berlin");

        assertTrue(csv.startsWith("# submissions_per_day\r\nday,login,submissions\r\n"
                + "2026-11-16T23:00:00Z,carol,1\r\n"), csv);
        assertTrue(csv.contains("\r\n# states_per_day\r\nday,submissions,succeeded,failed,pending,stale\r\n"), csv);
        assertTrue(csv.contains("\r\n2026-11-19T23:00:00Z,9,4,2,2,1\r\n"), "Friday in Berlin, in UTC:\n" + csv);
        assertTrue(csv.contains("\r\n# top_iocs: not available yet"), csv);
        assertTrue(json.contains("\"report\": \"activity\""), json);
        assertTrue(json.contains("\"top_domains\": null"), json);
        assertTrue(table.contains("2026-11-20 Fri            9          4       2        2      1"), table);
        assertTrue(table.contains("Top contacted domains: not available yet"), table);
    }

    @Test
    void conflictingOrUnreadableWindowAndZoneFlagsAreUsageErrors() {
        ReportFixtures.store(dataDir, List.of(), T0);

        CliRun.Result both = run("report", "users", "--since", "7d", "--from", "2026-11-01");
        CliRun.Result zone = run("report", "users", "--zone", "Mars/Olympus");
        CliRun.Result time = run("report", "activity", "--from", "yesterday");
        CliRun.Result empty = run("report", "users", "--from", "2026-11-02", "--to", "2026-11-01");
        CliRun.Result format = run("report", "users", "--format", "pdf");

        assertEquals(List.of(2, 2, 2, 2, 2), List.of(both.exitCode(), zone.exitCode(), time.exitCode(),
                empty.exitCode(), format.exitCode()));
        assertEquals("tg-harvester: use either --since or --from/--to, not both", both.err().strip());
        assertTrue(zone.err().contains("--zone: unknown time zone 'Mars/Olympus'"), zone.err());
        assertTrue(time.err().contains("--from: cannot read 'yesterday' as a time"), time.err());
        assertTrue(empty.err().contains("the window is empty"), empty.err());
    }

    @Test
    void withoutADatabaseTheReportSaysWhatToDo() {
        CliRun.Result result = run("report", "users");

        assertEquals(5, result.exitCode());
        assertTrue(result.err().contains("no harvester database"), result.err());
        assertFalse(Files.exists(dataDir.resolve("harvester.mv.db")), "a report must not create a database");
    }

    private static String[] concat(String[] head, String... tail) {
        List<String> all = new ArrayList<>(Arrays.asList(head));
        all.addAll(Arrays.asList(tail));
        return all.toArray(String[]::new);
    }

    private static List<List<String>> withoutShareAndMedian(List<List<String>> rows) {
        return rows.stream().map(r -> List.of(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(7),
                r.get(8), r.get(9), r.get(11))).toList();
    }

    /** One value as every parsed format gives it: integers, one decimal, times to the minute in Berlin. */
    private static String normalized(String column, Object value) {
        if (value == null || "".equals(value) || "-".equals(value)) {
            return column.equals("login") ? "(none)" : "-";
        }
        String text = String.valueOf(value);
        if (column.endsWith("_at")) {
            return text.contains("T") ? MINUTE.format(Instant.parse(text).atZone(BERLIN)) : text;
        }
        if (column.equals("login")) {
            return text;
        }
        double number = Double.parseDouble(text);
        return column.endsWith("seconds_to_result") || column.equals("share_percent")
                ? String.format(Locale.ROOT, "%.1f", number) : String.valueOf(Math.round(number));
    }

    private static List<String> normalizedRow(List<String> columns, List<?> values) {
        List<String> row = new ArrayList<>();
        for (String column : COLUMNS) {
            int index = columns.indexOf(column);
            // a key left out of JSON is a null (the sql command's JSON omits null values)
            row.add(normalized(column, index < 0 ? null : values.get(index)));
        }
        return row;
    }

    /** The per-user rows of the text table, cut at the column rule's dashes. */
    private static List<List<String>> fromTable(String out) {
        List<String> lines = out.lines().toList();
        int header = 0;
        while (!lines.get(header).startsWith("login ")) {
            header++;
        }
        String rule = lines.get(header + 1);
        List<int[]> spans = new ArrayList<>();
        Matcher dashes = Pattern.compile("-+").matcher(rule);
        while (dashes.find()) {
            spans.add(new int[]{dashes.start(), dashes.end()});
        }
        List<String> labels = List.of("login", "submissions", "succeeded", "failed", "pending", "stale",
                "share_percent", "first_submitted_at", "last_submitted_at", "mean_seconds_to_result",
                "median_seconds_to_result", "p95_seconds_to_result");
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines.subList(header + 2, lines.size())) {
            if (line.startsWith("---") || line.startsWith("(")
                    && !line.startsWith("(none)")) {
                break;
            }
            List<String> cells = new ArrayList<>();
            for (int[] span : spans) {
                cells.add(line.substring(Math.min(span[0], line.length()), Math.min(span[1], line.length())).strip());
            }
            rows.add(normalizedRow(labels, cells));
        }
        return rows;
    }

    private static List<List<String>> fromCsv(String out) {
        List<String> lines = out.lines().toList();
        List<String> columns = Arrays.asList(lines.get(0).split(",", -1));
        return lines.subList(1, lines.size()).stream()
                .map(line -> normalizedRow(columns, Arrays.asList(line.split(",", -1)))).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<List<String>> fromJson(String out) throws IOException {
        Object parsed = new Moshi.Builder().build().adapter(Object.class).fromJson(out);
        List<Map<String, Object>> rows = parsed instanceof Map<?, ?> report
                ? (List<Map<String, Object>>) report.get("users") : (List<Map<String, Object>>) parsed;
        List<List<String>> result = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            List<String> columns = new ArrayList<>(row.keySet());
            result.add(normalizedRow(columns, columns.stream().map(row::get).toList()));
        }
        return result;
    }

    private static List<List<String>> fromHtml(String html) {
        Matcher table = Pattern.compile("data-table=\"users\">.*?<tbody>(.*?)</tbody>", Pattern.DOTALL).matcher(html);
        assertTrue(table.find(), "no users table in the page");
        List<List<String>> rows = new ArrayList<>();
        Matcher row = Pattern.compile("<tr>(.*?)</tr>").matcher(table.group(1));
        while (row.find()) {
            List<String> cells = new ArrayList<>();
            Matcher cell = Pattern.compile("<td[^>]*>(.*?)</td>").matcher(row.group(1));
            while (cell.find()) {
                cells.add(cell.group(1).replaceAll("<[^>]*>", "").replace("&amp;", "&").strip());
            }
            rows.add(normalizedRow(COLUMNS, cells));
        }
        return rows;
    }
}
