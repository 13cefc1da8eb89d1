package io.tgharvester.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.report.ActivityReport;
import io.tgharvester.report.HtmlReport;
import io.tgharvester.report.ReportScope;
import io.tgharvester.report.UsersReport;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import io.tgharvester.store.ReportQueries;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every page of the console over HTTP, on a real harvest of the simulator, checked against the database. */
class ConsolePagesTest {
    private static final Pattern SAMPLE_LINK = Pattern.compile("href=\"/samples/([0-9a-f]{32})\"");

    @TempDir
    static Path dataDir;
    private static Database reader;
    private static ConsoleServer console;
    private static ConsoleClient client;

    @BeforeAll
    static void harvestAndServe() {
        HarvesterConfig config = ConsoleHarvest.harvest(dataDir);
        reader = Database.openReadOnly(dataDir);
        console = ConsoleHarvest.serve(config, reader, Clock.systemUTC());
        client = new ConsoleClient(console.port());
    }

    @AfterAll
    static void stop() {
        console.close();
        reader.close();
    }

    private static long count(String sql) {
        return ((Number) new Queries(reader).userQuery(sql).rows().get(0).get(0)).longValue();
    }

    private static String page(String target) throws Exception {
        HttpResponse<String> response = client.get(target);
        assertEquals(200, response.statusCode(), target + ": " + response.body());
        return response.body();
    }

    @Test
    void theOverviewShowsWhatTheHarvestHolds() throws Exception {
        String overview = page("/");

        assertTrue(overview.contains("<div class=\"label\">Samples</div><div class=\"value\">"
                + count("SELECT COUNT(*) FROM samples") + "</div>"), overview);
        long succeeded = count("SELECT COUNT(*) FROM samples WHERE state = 'succ'");
        assertTrue(succeeded > 0);
        assertTrue(overview.contains("<a href=\"/samples?state=succ\">succ</a></td><td class=\"num\">" + succeeded
                + "</td>"), overview);
        for (String stage : List.of("fetch", "state", "download", "parse")) {
            assertTrue(overview.contains("<tr><td>" + stage + "</td>"), stage);
        }
        assertTrue(overview.contains("keeps up"), "a harvest that just ran keeps up");
        assertTrue(overview.contains("data-refresh=\"30\""), "the overview reloads itself");
        assertTrue(overview.contains("run --serve shows it"), "serve cannot see the daemon's pause");
    }

    @Test
    void theSamplesListPagesSortsAndSearches() throws Exception {
        long all = count("SELECT COUNT(*) FROM samples");
        String first = page("/samples?size=25&sort=login&dir=asc");
        assertTrue(first.contains(all + " samples match."), first);
        List<String> ids = ids(first);
        assertEquals(new Queries(reader).userQuery("SELECT TRIM(id) FROM samples ORDER BY login NULLS LAST, id")
                .rows().stream().map(r -> (String) r.get(0)).toList(), ids, "sorted by login, nulls last, then id");

        List<String> paged = new ArrayList<>(ids(page("/samples?size=25&sort=submitted_at&dir=desc&page=1")));
        assertTrue(all <= 25, "one page holds this harvest");
        assertTrue(page("/samples?size=25&page=2").contains("No sample matches this search."));
        assertEquals(ids(page("/samples?size=25")), paged, "newest first is the default order");

        String bob = page("/samples?login=bob&state=succ");
        assertEquals(count("SELECT COUNT(*) FROM samples WHERE login = 'bob' AND state = 'succ'"),
                ids(bob).size());
        String hash = (String) new Queries(reader).userQuery("SELECT sha256 FROM samples WHERE id <> '"
                + ConsoleHarvest.HOSTILE_ID + "' ORDER BY id LIMIT 1").rows().get(0).get(0);
        List<String> byHash = ids(page("/samples?sha256=" + hash.substring(0, 10).toUpperCase()));
        assertFalse(byHash.isEmpty());
        assertTrue(page("/samples?tag=PHISHING").contains(ConsoleHarvest.HOSTILE_ID), "tags match in any case");
        assertTrue(page("/samples?filename=SCRIPT").contains(ConsoleHarvest.HOSTILE_ID));
        assertEquals(List.of(), ids(page("/samples?filename=%25")), "a % is a character, not a wildcard");
        assertEquals(count("SELECT COUNT(*) FROM samples WHERE submitted_at >= DATEADD('HOUR', -24, NOW())"),
                ids(page("/samples?since=24h")).size());

        HttpResponse<String> bad = client.get("/samples?sha256=xyz");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("is not the start of a sha256"), bad.body());
        assertEquals(400, client.get("/samples?sort=id;DROP").statusCode());
    }

    @Test
    void aSamplePageShowsItsAnalysisItsArtifactsAndItsRelatedSamples() throws Exception {
        String id = (String) new Queries(reader).userQuery("""
                SELECT TRIM(s.id) FROM samples s JOIN analysis a ON a.sample_id = s.id
                WHERE EXISTS (SELECT 1 FROM domains d WHERE d.sample_id = s.id)
                ORDER BY s.id LIMIT 1""").rows().get(0).get(0);
        String sample = page("/samples/" + id);

        String filename = (String) new Queries(reader).userQuery("SELECT filename FROM samples WHERE id = '" + id
                + "'").rows().get(0).get(0);
        assertTrue(sample.contains("<h1>Sample " + filename + "</h1>"), sample);
        String domain = (String) new Queries(reader).userQuery("SELECT MIN(domain) FROM domains WHERE sample_id = '"
                + id + "'").rows().get(0).get(0);
        assertTrue(sample.contains("<a href=\"/find?kind=domain&amp;value=" + domain + "\">" + domain + "</a>"),
                "a domain leads to its samples");
        assertEquals(count("SELECT COUNT(*) FROM iocs WHERE sample_id = '" + id + "'"),
                Pattern.compile("href=\"/find\\?kind=ioc&amp;").matcher(sample).results().count());
        assertTrue(sample.contains("<a href=\"/samples/" + id + "/artifacts/analysis.json\">analysis.json</a>"));
        for (String section : List.of("State history", "IOCs", "Domains", "URLs", "Network flows", "Processes",
                "Related samples")) {
            assertTrue(sample.contains("<h2>" + section + "</h2>"), section);
        }
        List<String> related = ids(sample.substring(sample.indexOf("<h2>Related samples</h2>")));
        assertFalse(related.isEmpty(), "the simulated analyses share domains and IOCs");
        assertEquals(200, client.get("/samples/" + related.get(0)).statusCode(), "a related sample's link works");

        assertEquals(404, client.get("/samples/" + "0".repeat(32)).statusCode());
        assertEquals(404, client.get("/samples/not-a-sample").statusCode());
    }

    @Test
    void anArtifactIsSentAsAnAttachmentWithItsContentType() throws Exception {
        List<List<Object>> done = new Queries(reader).userQuery("""
                SELECT TRIM(sample_id), name, path FROM artifacts WHERE status = 'done'
                AND name IN ('analysis.json', 'network.pcap', 'video.webm') ORDER BY name, sample_id""").rows();
        for (String name : List.of("analysis.json", "network.pcap", "video.webm")) {
            List<Object> row = done.stream().filter(r -> r.get(1).equals(name)).findFirst().orElseThrow();
            HttpResponse<byte[]> response = client.bytes("/samples/" + row.get(0) + "/artifacts/" + name);

            assertEquals(200, response.statusCode(), name);
            assertEquals("attachment; filename=\"" + row.get(0) + "-" + name + "\"",
                    response.headers().firstValue("Content-Disposition").orElseThrow());
            assertEquals(switch (name) {
                case "analysis.json" -> "application/json";
                case "network.pcap" -> "application/vnd.tcpdump.pcap";
                default -> "video/webm";
            }, response.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElseThrow());
            assertTrue(response.headers().firstValue("Content-Security-Policy").orElseThrow().contains("sandbox"));
            assertArrayEquals(Files.readAllBytes(dataDir.resolve((String) row.get(2))), response.body());
        }
    }

    @Test
    void noRequestReachesAFileOutsideTheSamplesDownloadedArtifacts() throws Exception {
        String id = (String) new Queries(reader).userQuery("SELECT TRIM(sample_id) FROM artifacts"
                + " WHERE status = 'done' ORDER BY sample_id LIMIT 1").rows().get(0).get(0);
        Files.writeString(dataDir.resolve("artifacts").resolve(id).resolve(".analysis.json.part"), "partial");
        List<String> attempts = List.of(
                "/samples/" + id + "/artifacts/..%2F..%2Fharvester.mv.db",
                "/samples/" + id + "/artifacts/%2e%2e/%2e%2e/.db-secrets",
                "/samples/" + id + "/artifacts/..",
                "/samples/" + id + "/artifacts/.analysis.json.part",
                "/samples/" + id + "/artifacts/analysis.json/..%2F..%2F..%2Fharvester.mv.db",
                "/samples/..%2F..%2Fharvester.mv.db/artifacts/analysis.json",
                "/samples/" + ConsoleHarvest.HOSTILE_ID + "/artifacts/analysis.json",
                "/static/..%2Fconsole%2Fconsole.css",
                "/static/../../harvester.properties");
        for (String attempt : attempts) {
            HttpResponse<String> response = client.get(attempt);
            assertEquals(404, response.statusCode(), attempt);
            assertFalse(response.body().contains("partial") || response.body().contains("READER"), attempt);
        }
        Files.delete(dataDir.resolve("artifacts").resolve(id).resolve(".analysis.json.part"));
    }

    @Test
    void hostileNamesTagsAndLoginsAreShownAsText() throws Exception {
        for (String page : List.of(page("/samples"), page("/samples/" + ConsoleHarvest.HOSTILE_ID),
                page("/samples?login=" + java.net.URLEncoder.encode(ConsoleHarvest.HOSTILE_LOGIN, "UTF-8")))) {
            assertFalse(page.contains("<script>alert"), page);
            assertFalse(page.contains("<img src=x"), page);
            assertFalse(page.contains("\"><script>"), page);
        }
        String list = page("/samples");
        assertTrue(list.contains("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;.exe"), list);
        assertTrue(list.contains("&lt;img src=x onerror=alert(&#39;tag&#39;)&gt;"), list);
        String find = page("/find?kind=domain&value=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
        assertFalse(find.contains("<script>alert(1)"), find);
    }

    @Test
    void theUsersPageIsTheUsersReportFromTheSameCode() throws Exception {
        String users = page("/users?since=all");

        ReportQueries queries = new ReportQueries(reader);
        ReportScope scope = ReportScope.allTime(ZoneId.systemDefault(), java.time.Instant.now());
        String report = HtmlReport.users(UsersReport.load(queries, scope), ActivityReport.load(queries, scope));
        String table = between(report, "<table class=\"data\" data-table=\"users\">", "</table>");
        assertEquals(table, between(users, "<table class=\"data\" data-table=\"users\">", "</table>"),
                "the same per-user table");
        assertEquals(Pattern.compile("<svg").matcher(report).results().count(),
                Pattern.compile("<svg").matcher(users).results().count(), "the same charts");
        assertTrue(users.contains("chart-users"), "submissions per user among them");
        assertTrue(users.contains("<nav class=\"console-nav\">"), "with the console's navigation");
        assertTrue(users.contains("<strong>all time</strong>"));
        assertTrue(client.get("/users").body().contains("<strong>last 7d</strong>"), "a week by default");
        assertEquals(400, client.get("/users?since=1y").statusCode());
        HttpResponse<String> response = client.get("/users");
        String policy = response.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(policy.contains("style-src 'self' 'unsafe-inline'") && policy.contains("script-src 'self'")
                && policy.contains("frame-ancestors 'none'") && !policy.contains("http"), policy);
    }

    @Test
    void findLeadsFromAnIndicatorToItsSamples() throws Exception {
        List<List<Object>> byDomain = new Queries(reader).userQuery("""
                SELECT domain, COUNT(DISTINCT sample_id) FROM domains GROUP BY domain
                ORDER BY COUNT(DISTINCT sample_id) DESC, domain LIMIT 1""").rows();
        String domain = (String) byDomain.get(0).get(0);
        String found = page("/find?kind=domain&value=" + domain.toUpperCase());

        assertEquals(((Number) byDomain.get(0).get(1)).longValue(), ids(found).stream().distinct().count());
        assertTrue(found.contains(byDomain.get(0).get(1) + (((Number) byDomain.get(0).get(1)).longValue() == 1
                ? " sample" : " samples") + " showing domain " + domain), found);
        assertTrue(page("/find").contains("<select name=\"kind\">"), "the empty form");
        HttpResponse<String> bad = client.get("/find?kind=sha256&value=abc");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("a sha256 is 64 hex digits"), bad.body());
        assertEquals(400, client.get("/find?kind=registry&value=x").statusCode());
    }

    @Test
    void everyAnswerCarriesTheSecurityHeadersAndOnlyGetIsServed() throws Exception {
        for (String target : List.of("/", "/samples", "/find", "/healthz", "/metrics", "/nowhere")) {
            HttpResponse<String> response = client.get(target);
            String policy = response.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'")
                    && !policy.contains("http"), target + ": " + policy);
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""), target);
            assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""), target);
        }
        String overview = page("/");
        assertFalse(overview.contains("http://") || overview.contains("https://") || overview.contains("<script>"),
                "nothing loaded from elsewhere, no inline script");
        assertEquals(200, client.get("/static/console.css").statusCode());
        assertEquals(405, client.post("/samples", "x=1").statusCode());
        assertEquals(404, client.get("/nowhere").statusCode());
        assertEquals(204, client.get("/favicon.ico").statusCode(), "no icon, and no 404 in a browser's console");
    }

    private static List<String> ids(String html) {
        List<String> ids = new ArrayList<>();
        Matcher m = SAMPLE_LINK.matcher(html);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertTrue(from >= 0, "no " + start);
        return text.substring(from, text.indexOf(end, from) + end.length());
    }
}
