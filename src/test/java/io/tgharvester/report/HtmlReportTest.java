package io.tgharvester.report;

import static io.tgharvester.report.ReportFixtures.T0;
import static io.tgharvester.report.ReportFixtures.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.store.Database;
import io.tgharvester.store.ReportQueries;
import io.tgharvester.store.ReportQueries.Window;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class HtmlReportTest {
    private static final Pattern SVG = Pattern.compile("<svg\\b.*?</svg>", Pattern.DOTALL);

    @TempDir
    Path dataDir;

    private ReportScope scope() {
        return new ReportScope(Window.ALL, Optional.empty(), ZoneId.of("Europe/Berlin"), T0.plusSeconds(86400));
    }

    private String usersPage() {
        try (Database db = Database.openReadOnly(dataDir)) {
            ReportQueries queries = new ReportQueries(db);
            return HtmlReport.users(UsersReport.load(queries, scope()), ActivityReport.load(queries, scope()));
        }
    }

    private String activityPage() {
        try (Database db = Database.openReadOnly(dataDir)) {
            ReportQueries queries = new ReportQueries(db);
            return HtmlReport.activity(ActivityReport.load(queries, scope()), UsersReport.load(queries, scope()));
        }
    }

    static List<String> svgs(String html) {
        List<String> found = new ArrayList<>();
        Matcher m = SVG.matcher(html);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    /** Each chart parses as XML and draws something: bars or paths, and text. */
    static void assertDrawnCharts(String html, int expected) throws Exception {
        List<String> charts = svgs(html);
        assertEquals(expected, charts.size(), "charts");
        for (String svg : charts) {
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
            assertEquals("svg", doc.getDocumentElement().getTagName());
            assertTrue(doc.getElementsByTagName("rect").getLength() + doc.getElementsByTagName("path").getLength()
                    > 5, "an empty chart");
            assertTrue(doc.getElementsByTagName("text").getLength() > 3, "a chart without labels");
        }
    }

    /** No URL of any kind: nothing to fetch, so the page works offline and leaks nothing when opened. */
    static void assertSelfContained(String html) {
        assertFalse(html.contains("http://"), "http:// in the page");
        assertFalse(html.contains("https://"), "https:// in the page");
        assertFalse(Pattern.compile("<(script|link|img|iframe|object|embed)\\b").matcher(html).find());
        assertFalse(html.contains("@import"));
        assertFalse(Pattern.compile("url\\((?!#)").matcher(html).find(), "a url() that is not a local reference");
        assertFalse(Pattern.compile("\\b(src|href)\\s*=").matcher(html).find());
    }

    private static int count(String html, String text) {
        return html.split(Pattern.quote(text), -1).length - 1;
    }

    @Test
    void theUsersPageIsOneSelfContainedFileWithChartsAndTables() throws Exception {
        ReportFixtures.storeHandCounted(dataDir);

        String html = usersPage();

        assertTrue(html.startsWith("<!DOCTYPE html>\n<html lang=\"en\">"));
        assertTrue(html.stripTrailing().endsWith("</html>"));
        assertDrawnCharts(html, 3);
        for (String id : List.of("chart-users", "chart-over-time", "chart-time-to-result")) {
            assertTrue(html.contains("id='" + id + "'"), id);
        }
        assertTrue(html.contains("<table class=\"data\" data-table=\"users\">"));
        assertTrue(html.contains("<table class=\"heat\">"));
        assertTrue(html.contains("@media print"));
        assertSelfContained(html);
        for (String tag : List.of("table", "section", "div", "tr", "svg", "thead", "tbody", "tfoot")) {
            assertEquals(count(html, "<" + tag + ">") + count(html, "<" + tag + " "), count(html, "</" + tag + ">"),
                    "unbalanced <" + tag + ">");
        }
    }

    @Test
    void theUsersPageShowsTheHandComputedNumbersAndTheMissingLoginAsNone() {
        ReportFixtures.storeHandCounted(dataDir);

        String html = usersPage();

        assertTrue(html.contains("<tr><td>alice</td><td class=\"num\">6</td><td class=\"num\">4</td>"
                + "<td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">0</td>"), html);
        assertTrue(html.contains("<td><span class=\"none\">(none)</span></td>"));
        assertTrue(html.contains("<td class=\"num\">370</td><td class=\"num\">250</td><td class=\"num\">875</td>"
                + "</tr>\n</tfoot>"), "the total row: mean, median, p95 of all succeeded samples");
        assertTrue(html.contains("2026-11-20 11:00"), "times in the report's zone");
    }

    @Test
    void valuesFromTheDatabaseAreEscapedInTablesAndCharts() throws Exception {
        String login = "<script>alert(\"x\")</script>";
        ReportFixtures.store(dataDir, List.of(sample(1, login, "succ", T0, 300L, "\"><img src=x>.exe"),
                sample(2, "o'brien & co", "fail", T0.plusSeconds(60), 20L, "a.exe")), T0.plusSeconds(600));

        String users = usersPage();
        String activity = activityPage();

        for (String html : List.of(users, activity)) {
            assertFalse(html.contains("<script"), "unescaped login");
            assertFalse(html.contains("<img"), "unescaped file name");
            assertSelfContained(html);
        }
        assertTrue(users.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
        assertTrue(users.contains("o&#39;brien &amp; co"));
        assertDrawnCharts(users, 3);
    }

    @Test
    void anEmptyDatabaseGivesAPageThatSaysSoInsteadOfEmptyCharts() {
        ReportFixtures.store(dataDir, List.of(), T0);

        String html = usersPage();

        assertTrue(svgs(html).isEmpty());
        assertTrue(html.contains("No submissions in this window."));
        assertTrue(html.contains("<div class=\"value\">0</div>"));
        assertSelfContained(html);
    }

    @Test
    void samplesStillPendingWithoutAnySuccessGetNoTimeToResultChart() {
        ReportFixtures.store(dataDir, List.of(sample(1, "alice", "run", T0, null, "a.exe"),
                sample(2, "bob", "wait", T0.plusSeconds(5), null, "b.js")), T0.plusSeconds(60));

        String html = usersPage();

        assertEquals(2, svgs(html).size(), "per user and over time, no histogram");
        assertTrue(html.contains("No succeeded analyses in this window."));
        assertTrue(html.contains("<div class=\"label\">Still pending</div><div class=\"value\">2</div>"));
    }

    @Test
    void theActivityPageHasChartsHeatmapFileTypesAndSaysWhatIsNotAvailableYet() throws Exception {
        ReportFixtures.storeHandCounted(dataDir);

        String html = activityPage();

        assertDrawnCharts(html, 2);
        assertTrue(html.contains("<table class=\"heat\">"));
        assertTrue(html.contains("<table class=\"data\" data-table=\"top_file_types\">"));
        assertEquals(3, count(html, "Not available yet: no analysis.json has been parsed into"));
        assertSelfContained(html);
    }
}
