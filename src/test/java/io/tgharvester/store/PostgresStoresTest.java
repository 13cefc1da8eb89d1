package io.tgharvester.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.TestSamples;
import io.tgharvester.TgJson;
import io.tgharvester.analyze.AnalyzerResult;
import io.tgharvester.api.Sample;
import io.tgharvester.api.StateReport;
import io.tgharvester.config.DatabaseSettings;
import io.tgharvester.correlate.AnalysisParser;
import io.tgharvester.correlate.CorrelationRows.ArtifactHash;
import io.tgharvester.correlate.CorrelationRows.Domain;
import io.tgharvester.correlate.CorrelationRows.Ioc;
import io.tgharvester.correlate.CorrelationRows.NetworkFlow;
import io.tgharvester.correlate.CorrelationRows.Summary;
import io.tgharvester.correlate.CorrelationRows.Url;
import io.tgharvester.correlate.Indicator;
import io.tgharvester.report.ReportFixtures;
import io.tgharvester.store.CorrelationQueries.Shared;
import io.tgharvester.store.FetchPosition.Listing;
import io.tgharvester.store.ParseStateStore.Selection;
import io.tgharvester.store.ReportQueries.UserRow;
import io.tgharvester.store.ReportQueries.Window;
import io.tgharvester.store.SampleListing.SortKey;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store package's SQL on a real PostgreSQL server. Each test runs one part of a harvest through the store
 * classes twice, on a new H2 data dir and on a new PostgreSQL database, and what the stores answer and leave in the
 * tables must be the same on both: H2's answers are the ones the rest of the suite checks. Each test also checks a
 * few of PostgreSQL's answers by hand.
 */
class PostgresStoresTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final List<String> ARTIFACTS = List.of("analysis.json", "processes.json");

    private static LoopbackPostgres server;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startPostgres() throws Exception {
        server = LoopbackPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        server.close();
    }

    /** What one part of a harvest does to a database, and what it observes, each under a name. */
    @FunctionalInterface
    private interface Scenario {
        void run(Database db, Map<String, Object> seen) throws Exception;
    }

    /** What {@code scenario} observes on PostgreSQL, once it is clear that H2 observes the same. */
    private Map<String, Object> sameOnBoth(Scenario scenario) throws Exception {
        Map<String, Object> onH2 = new LinkedHashMap<>();
        try (Database db = Database.open(dataDir.resolve("h2"))) {
            scenario.run(db, onH2);
        }
        Map<String, Object> onPostgres = new LinkedHashMap<>();
        DatabaseSettings postgres = new DatabaseSettings(Optional.of(server.newDatabase()), server.user(), "", 4,
                "node-a", Duration.ofMinutes(2));
        try (Database db = Database.open(dataDir.resolve("pg"), postgres)) {
            assertTrue(db.shared());
            scenario.run(db, onPostgres);
        }
        for (String what : onH2.keySet()) {
            assertEquals(onH2.get(what), onPostgres.get(what), what + " on PostgreSQL as on H2");
        }
        assertEquals(onH2.keySet(), onPostgres.keySet());
        return onPostgres;
    }

    @Test
    void listPagesStateAnswersAndStaleMarkingStoreTheSameSamplesHistoryAndQueue() throws Exception {
        Map<String, Object> seen = sameOnBoth((db, out) -> {
            SampleStore store = new SampleStore(db, ARTIFACTS);
            Listing first = Listing.from(T0.minusSeconds(600), T0).plusPage(4, Optional.of(T0.plusSeconds(30)));
            out.put("first page, sample 1 listed twice", store.storePage(List.of(sample(1, "run", 0),
                    sample(2, "succ", 10), sample(1, "proc", 0), sample(3, "wait", 30)),
                    store.fetchPosition().continuing(first), T0));
            out.put("position in the listing", store.fetchPosition());
            Listing second = first.plusPage(2, Optional.of(T0.plusSeconds(40)));
            out.put("second page", store.storePage(List.of(sample(2, "succ", 10), sample(4, "fail", 40)),
                    store.fetchPosition().completing(second), T0.plusSeconds(60)));
            out.put("position after the listing", store.fetchPosition());
            out.put("unfinished", store.unfinishedIds());
            out.put("state answers", store.applyStates(List.of(state(1, "succ"), state(3, "run"), state(99, "succ")),
                    T0.plusSeconds(120)));
            out.put("marked stale", store.markStale(T0.plusSeconds(1), T0.plusSeconds(180)));
            out.put("unfinished at last", store.unfinishedIds());
            out.put("samples", table(db, """
                    SELECT id, state, status, login, submitted_at, finished_at, first_seen_at, last_checked_at,
                           connection
                    FROM samples ORDER BY id"""));
            out.put("state changes", table(db, """
                    SELECT sample_id, from_state, to_state, observed_at FROM state_changes
                    ORDER BY sample_id, observed_at, to_state"""));
            out.put("queue", table(db, "SELECT sample_id, name, status, attempts FROM artifacts ORDER BY 1, 2"));
        });

        assertEquals(new StoreOutcome(3, 1, 1), seen.get("first page, sample 1 listed twice"));
        assertEquals(Optional.of(T0.plusSeconds(30)), ((FetchPosition) seen.get("position after the listing"))
                .watermark());
        assertEquals(List.of(row(TgJson.id(1), "run", "proc", T0), row(TgJson.id(1), null, "run", T0),
                row(TgJson.id(1), "proc", "succ", T0.plusSeconds(120))),
                table(seen, "state changes").stream().filter(change -> change.get(0).equals(TgJson.id(1))).toList(),
                "both listings in one page recorded (at one time, so in to_state order), then the state answer");
        assertEquals(List.of(row(TgJson.id(3), null, "wait", T0), row(TgJson.id(3), "wait", "run", T0.plusSeconds(120)),
                row(TgJson.id(3), "run", "stale", T0.plusSeconds(180))),
                table(seen, "state changes").stream().filter(change -> change.get(0).equals(TgJson.id(3))).toList());
        assertEquals(List.of(), seen.get("unfinished at last"));
        assertEquals(4, table(seen, "queue").size(), "two artifacts of each of the two successes");
    }

    @Test
    void nodesClaimDownloadsApartAndRecordTheirOutcomesAsOnH2() throws Exception {
        Map<String, Object> seen = sameOnBoth((db, out) -> {
            new SampleStore(db, ARTIFACTS).storePage(List.of(sample(1, "succ", 0), sample(2, "succ", 5),
                    sample(3, "succ", 9)), T0);
            ArtifactStore nodeA = new ArtifactStore(db, "default", new Claimant("node-a", Duration.ofMinutes(2)));
            ArtifactStore nodeB = new ArtifactStore(db, "default", new Claimant("node-b", Duration.ofMinutes(2)));
            List<ArtifactTask> ofA = nodeA.due(T0, 4);
            out.put("node-a claims", ofA);
            out.put("node-b claims the rest", nodeB.due(T0, 10));
            nodeA.markDone(List.of(new DoneArtifact(ofA.get(0), 1234, "ab".repeat(32), "artifacts/a/analysis.json"),
                    new DoneArtifact(ofA.get(1), 99, "cd".repeat(32), "artifacts/a/processes.json")),
                    T0.plusSeconds(5));
            nodeA.markAbsent(ofA.get(2), T0.plusSeconds(6));
            nodeA.markFailed(ofA.get(3), "HTTP 503", T0.plusSeconds(300));
            out.put("next retry", nodeA.nextRetryAt());
            out.put("node-a again: nothing due", nodeA.due(T0.plusSeconds(10), 10));
            nodeB.renewClaims(T0.plusSeconds(60));
            out.put("node-a while node-b holds its claims", nodeA.due(T0.plusSeconds(170), 10));
            out.put("node-a once node-b's claims expired and the retry is due",
                    nodeA.due(T0.plusSeconds(301), 10));
            nodeA.releaseClaims();
            out.put("queue", table(db, """
                    SELECT sample_id, name, status, bytes, sha256, path, fetched_at, attempts, last_error,
                           next_attempt_at, claimed_by, claimed_until
                    FROM artifacts ORDER BY sample_id, name"""));
        });

        assertEquals(4, ((List<?>) seen.get("node-a claims")).size());
        assertEquals(2, ((List<?>) seen.get("node-b claims the rest")).size());
        assertEquals(List.of(), seen.get("node-a while node-b holds its claims"));
        assertEquals(3, ((List<?>) seen.get("node-a once node-b's claims expired and the retry is due")).size());
        assertEquals(Optional.of(T0.plusSeconds(300)), seen.get("next retry"));
    }

    @Test
    void parsedAnalysesAreStoredQueuedAndFoundAsOnH2() throws Exception {
        Path rich = Path.of(getClass().getResource("/analysis/rich.json").toURI());
        Map<String, Object> seen = sameOnBoth((db, out) -> {
            new SampleStore(db, ARTIFACTS).storePage(List.of(sample(1, "succ", 0), sample(2, "succ", 10),
                    sample(3, "succ", 20), sample(4, "succ", 30)), T0);
            ArtifactStore artifacts = new ArtifactStore(db);
            artifacts.markDone(artifacts.due(T0, 100).stream()
                    .filter(task -> !(task.sampleId().equals(TgJson.id(4)) && task.name().equals("processes.json")))
                    .map(task -> new DoneArtifact(task, 10, "ef".repeat(32), task.sampleId() + "/" + task.name()))
                    .toList(), T0.plusSeconds(5));
            ParseStateStore parses = new ParseStateStore(db);
            out.put("due", parses.ready(Selection.DUE, 2, "", 10));
            out.put("due after sample 1", parses.ready(Selection.DUE, 2, TgJson.id(1), 1));
            out.put("sample 4, its processes still pending", parses.readyOne(TgJson.id(4), Selection.ALL, AnalysisParser.VERSION));

            CorrelationStore rows = new CorrelationStore(db);
            rows.replace(TgJson.id(1), T0.plusSeconds(10), sink -> new AnalysisParser().parse(rich, Optional.empty(),
                    sink));
            rows.replace(TgJson.id(2), T0.plusSeconds(10), sink -> {
                sink.summary(summary(55, "PE32 executable"));
                sink.ioc(ioc("macro-autoexec", "Office macro"));
                sink.ioc(ioc("everywhere", "Fires always"));
                sink.domain(new Domain("evil.example.com", Optional.of("203.0.113.7")));
                sink.flow(flow("203.0.113.7", 443));
                sink.url(new Url("http://evil.example.com/second", Optional.of("GET"), Optional.of("evil.example.com"),
                        Optional.of(200)));
                sink.artifactHash(new ArtifactHash(Optional.of("C:\\dropped.exe"), Optional.of("12".repeat(32)),
                        Optional.empty(), Optional.empty(), Optional.of(77L), Optional.empty(), Optional.empty(),
                        Optional.of("dropped")));
            });
            // More rows of one value than find looks up by index: it walks the newest samples instead.
            rows.replace(TgJson.id(3), T0.plusSeconds(10), sink -> {
                for (int i = 0; i <= CorrelationQueries.COMMON; i++) {
                    sink.ioc(ioc("everywhere", null));
                }
            });
            parses.markParsed(TgJson.id(1), 2, T0.plusSeconds(10));
            parses.markParsed(TgJson.id(2), 2, T0.plusSeconds(10));
            parses.markFailed(TgJson.id(3), 2, "broken", T0.plusSeconds(10));
            parses.markFailed(TgJson.id(3), 2, "broken again", T0.plusSeconds(11));
            for (Selection selection : Selection.values()) {
                out.put("ready " + selection, parses.ready(selection, 2, "", 10));
            }
            out.put("due to a newer parser", parses.ready(Selection.DUE, 3, "", 10));
            out.put("parse state", table(db, "SELECT * FROM parse_state ORDER BY sample_id"));
            for (String table : List.of("analysis", "iocs", "network_flows", "domains", "urls", "artifact_hashes",
                    "processes", "registry_keys")) {
                out.put(table, sorted(table(db, "SELECT * FROM " + table + " WHERE sample_id <> '" + TgJson.id(3)
                        + "'")));
            }

            CorrelationQueries queries = new CorrelationQueries(db);
            for (Optional<String> connection : List.of(Optional.<String>empty(), Optional.of("default"),
                    Optional.of("eu"))) {
                for (Indicator indicator : Indicator.values()) {
                    for (String value : List.of("evil.example.com", "203.0.113.7", "12".repeat(32),
                            "macro-autoexec", "http://evil.example.com%")) {
                        CorrelationQueries.Found found = queries.find(indicator, value, 5, connection);
                        out.put("find " + indicator + " " + value + " in " + connection,
                                List.of(found.samples(), found.matching()));
                    }
                }
                CorrelationQueries.Found common = queries.find(Indicator.IOC, "everywhere", 1, connection);
                out.put("find a common IOC in " + connection, List.of(common.samples(), common.matching()));
            }
            for (Shared kind : Shared.values()) {
                for (String sample : List.of(TgJson.id(1), TgJson.id(2))) {
                    List<String> values = queries.valuesOf(sample, kind);
                    out.put(kind + " of " + sample, values);
                    for (String value : values) {
                        out.put("others than " + sample + " with " + kind + " " + value,
                                queries.samplesWith(kind, value, sample, 3));
                    }
                }
            }
            out.put("in connection", queries.inConnection(Set.of(TgJson.id(1), TgJson.id(9)), "default"));
            out.put("listing", queries.samples(Set.of(TgJson.id(2))));
            out.put("exists", List.of(queries.sampleExists(TgJson.id(1)), queries.sampleExists(TgJson.id(9)),
                    queries.anyAnalysisParsed()));
        });

        assertEquals(List.of(TgJson.id(1), TgJson.id(2), TgJson.id(3)),
                ((List<?>) seen.get("due")).stream().map(task -> ((ParseTask) task).sampleId()).toList());
        assertEquals(List.of(TgJson.id(3)), ((List<?>) seen.get("ready DUE_OR_FAILED")).stream()
                .map(task -> ((ParseTask) task).sampleId()).toList(), "reindex retries the failed analysis");
        String domain = "find DOMAIN evil.example.com in Optional.empty";
        assertEquals(List.of(List.of(TgJson.id(2), TgJson.id(1)), OptionalLong.of(2)),
                List.of(firstColumn(seen, domain), found(seen, domain).matching()), "newest submission first, counted");
        assertEquals(List.of(List.of(TgJson.id(3)), OptionalLong.empty()),
                List.of(firstColumn(seen, "find a common IOC in Optional.empty"),
                        found(seen, "find a common IOC in Optional.empty").matching()),
                "the common value's newest sample, not counted");
        assertEquals(List.of(TgJson.id(1)), seen.get("others than " + TgJson.id(2) + " with DOMAIN evil.example.com"));
    }

    @Test
    void reportsCountEachLoginAsOnH2AndThePerLoginTotalsAgreeWithACount() throws Exception {
        Window everything = new Window(Optional.of(T0.minus(Duration.ofDays(30))),
                Optional.of(T0.plus(Duration.ofDays(30))));
        Window hour = new Window(Optional.of(ReportFixtures.WINDOW_FROM), Optional.of(ReportFixtures.WINDOW_TO));
        Map<String, Object> seen = sameOnBoth((db, out) -> {
            new SampleStore(db, ARTIFACTS).storePage(ReportFixtures.handCounted(), T0.plusSeconds(86400));
            // Times to result across a second boundary and within one second: 1 s and 0 s, whatever the fractions.
            new SampleStore(db, ARTIFACTS, "eu").storePage(List.of(
                    timed(21, T0.plusMillis(900), T0.plusMillis(1100)),
                    timed(22, T0.plusMillis(100), T0.plusMillis(900))), T0.plusSeconds(5));
            CorrelationStore rows = new CorrelationStore(db);
            int score = 0;
            for (int n : List.of(1, 2, 3, 7, 10, 21)) {
                int threat = score += 19;
                rows.replace(TgJson.id(n), T0, sink -> {
                    sink.summary(summary(threat, n % 2 == 0 ? "PE32 executable" : "Zip archive"));
                    sink.ioc(ioc(n < 5 ? "macro-autoexec" : "c2-beacon", null));
                    sink.domain(new Domain(n < 3 ? "evil.example.com" : "cdn.example.net", Optional.empty()));
                });
            }
            ReportQueries reports = new ReportQueries(db);
            for (Window window : List.of(Window.ALL, everything, hour, everything.of(Optional.of("eu")))) {
                out.put("users " + window, reports.users(window));
                out.put("submissions " + window, reports.submissions(window));
                out.put("top IOCs " + window, reports.topIocs(window, 5));
                out.put("top domains " + window, reports.topDomains(window, 5));
                out.put("top file types " + window, reports.topMagicTypes(window, 5));
            }
            out.put("user_stats", new Queries(db).userStats());
        });

        assertEquals(seen.get("users " + Window.ALL), seen.get("users " + everything),
                "the totals PostgreSQL's triggers keep equal a count of every sample");
        UserRow alice = ((ReportQueries.Users) seen.get("users " + hour)).users().get(0);
        assertEquals(List.of(Optional.of("alice"), 6L, 4L, Optional.of(400.0), Optional.of(250.0), Optional.of(895.0)),
                List.of(alice.login(), alice.submissions(), alice.succeeded(), alice.meanSecondsToResult(),
                        alice.medianSecondsToResult(), alice.p95SecondsToResult()));
        assertEquals(List.of(Optional.of(0L), Optional.of(1L)),
                ((List<?>) seen.get("submissions " + everything.of(Optional.of("eu")))).stream()
                        .map(s -> ((ReportQueries.Submission) s).secondsToResult()).toList());
    }

    @Test
    void statusQueriesAndStageRunsAnswerAsOnH2() throws Exception {
        Map<String, Object> seen = sameOnBoth((db, out) -> {
            SampleStore ours = new SampleStore(db, ARTIFACTS);
            SampleStore eu = new SampleStore(db, ARTIFACTS, "eu");
            Listing listing = Listing.from(T0, T0).plusPage(2, Optional.of(T0.plusSeconds(20)));
            ours.storePage(List.of(sample(1, "succ", 0), sample(2, "run", 20)),
                    ours.fetchPosition().completing(listing), T0);
            eu.storePage(List.of(sample(3, "succ", 5), sample(4, "fail", 6), sample(5, "wait", 7)),
                    eu.fetchPosition().continuing(listing), T0);
            ArtifactStore queue = new ArtifactStore(db);
            List<ArtifactTask> due = queue.due(T0, 10);
            queue.markDone(List.of(new DoneArtifact(due.get(0), 5_000_000_000L, "aa".repeat(32), "x")), T0);
            queue.markFailed(due.get(1), "HTTP 500", T0.plusSeconds(60));
            new ParseStateStore(db).markParsed(TgJson.id(1), 1, T0);
            new ParseStateStore(db).markFailed(TgJson.id(3), 1, "broken", T0);
            JobRunStore runs = new JobRunStore(db);
            runs.succeeded("fetch", T0);
            runs.failed("fetch", T0.plusSeconds(60), "HTTP 503");
            runs.succeeded("fetch:eu", T0.plusSeconds(1));
            runs.succeeded("parse", T0.plusSeconds(2));
            runs.failed("state:eu", T0.plusSeconds(3), "x".repeat(2000));
            out.put("stage runs", runs.runs());
            Queries queries = new Queries(db);
            for (Optional<String> connection : List.of(Optional.<String>empty(), Optional.of("default"),
                    Optional.of("eu"))) {
                out.put("samples by state of " + connection, queries.samplesByState(connection));
                out.put("artifacts by status of " + connection, queries.artifactsByStatus(connection));
                out.put("job runs of " + connection, queries.jobRuns(connection));
                out.put("listing in progress of " + connection, queries.listingInProgress(connection));
            }
            out.put("samples by connection", queries.samplesByConnection());
            out.put("analyses by parse status", queries.analysesByParseStatus());
            out.put("succeeded without all artifacts", queries.succeededWithoutAllArtifacts(2));
            out.put("watermark", queries.watermark());
            out.put("user stats", queries.userStats());
        });

        assertEquals(List.of("fetch:eu", "parse", "state:eu"),
                ((QueryResult) seen.get("job runs of Optional[eu]")).rows().stream().map(r -> r.get(0)).toList());
        assertEquals(List.of("fetch", "parse", "watermark"),
                ((QueryResult) seen.get("job runs of Optional[default]")).rows().stream().map(r -> r.get(0)).toList());
        assertEquals(List.of(List.of("done", 1L, new BigDecimal(5_000_000_000L))),
                ((QueryResult) seen.get("artifacts by status of Optional[default]")).rows().stream()
                        .filter(r -> r.get(0).equals("done")).toList());
        assertEquals(1000, ((List<?>) seen.get("stage runs")).stream().map(run -> (StageRun) run)
                .filter(run -> run.stage().equals("state:eu")).findFirst().orElseThrow().lastError().orElseThrow()
                .length());
    }

    @Test
    void everyKindOfFilterAndConsoleSearchKeepsTheSameSamplesAsOnH2() throws Exception {
        List<String> filters = List.of("login__eq(alice)", "login__ne(alice)", "login__lt(b)", "state__in(succ, fail)",
                "state__nin(succ, fail)", "filename__regex(\\.exe$)", "filename__iregex(\\.exe$)",
                "filename__like(%.doc_)", "filename__like(setup\\_EXE)", "organization_id__gt(10)",
                "organization_id__ne(10)", "private__eq(true)", "private__in(true, false)",
                "submitted_at__eq(2026-11-01)", "submitted_at__gte(2026-11-02T01:59:59+02:00)",
                "submitted_at__in(2026-10-31, 2026-11-03)", "tags__eq(phish)", "tags__eq('x\",\"y')",
                "tags__in(test-run, y)", "tags__nin(phish, x)", "tags__iregex(FIN)", "tags__like('%\"x%')",
                "id__regex(^0+[1-3]$)", "connection__eq(default)",
                "(login__eq(bob) OR login__eq(carol)) AND NOT state__eq(succ)");
        Map<String, Object> seen = sameOnBoth((db, out) -> {
            new SampleStore(db, ARTIFACTS).storePage(SampleListingQueriesTest.sixSamples(),
                    SampleListingQueriesTest.STORED_AT);
            SampleListingQueries listings = new SampleListingQueries(db);
            for (String filter : filters) {
                out.put(filter, listings.list(new SampleListing(Optional.of(FilterParser.parse(filter)), List.of(),
                        List.of(SampleField.ID), 100, 0)).rows());
            }
            out.put("every field, by login then newest, second page", listings.list(new SampleListing(
                    Optional.empty(), List.of(new SortKey(SampleField.LOGIN, false),
                    new SortKey(SampleField.SUBMITTED_AT, true)), List.of(SampleField.values()), 3, 3)));
            out.put("count", listings.count(Optional.of(FilterParser.parse("state__in(succ,fail)"))));
            SampleQueries console = new SampleQueries(db);
            out.put("console search", console.search(new SampleQueries.Filter(Optional.of("alice"), Optional.empty(),
                    Optional.of("EXE"), Optional.empty(), Optional.of("PHISH"), Optional.empty(), Optional.empty()),
                    SampleQueries.Order.SUBMITTED_AT, true, 0, 10));
            for (SampleQueries.Order order : SampleQueries.Order.values()) {
                out.put("console page by " + order, console.search(SampleQueries.Filter.ALL, order, false, 2, 3));
            }
            out.put("console sample", console.sample(TgJson.id(2)));
            for (SampleQueries.Section section : SampleQueries.Section.values()) {
                out.put("console " + section, console.section(section, TgJson.id(1), 10));
            }
        });

        assertEquals(List.of(List.of(TgJson.id(4))), seen.get("tags__eq('x\",\"y')"));
        assertEquals(List.of(List.of(TgJson.id(1)), List.of(TgJson.id(2))), seen.get("filename__iregex(\\.exe$)"));
        assertEquals(List.of(List.of(TgJson.id(2)), List.of(TgJson.id(5))), seen.get("tags__in(test-run, y)"));
        assertEquals(4L, seen.get("count"));
        assertEquals(List.of(TgJson.id(1)), ((SampleQueries.Page) seen.get("console search")).samples().rows().stream()
                .map(r -> r.get(0)).toList());
    }

    @Test
    void backfillProgressIsStoredWithItsPagesAsOnH2() throws Exception {
        BackfillProgress started = BackfillProgress.start("eu", "30d", Optional.empty(),
                T0.minus(Duration.ofDays(30)), T0, Duration.ofDays(7), T0);
        BackfillProgress afterPage = started.plusPage(2, false);
        BackfillProgress finished = afterPage.plusPage(1, true).finished(T0.plusSeconds(9));
        Map<String, Object> seen = sameOnBoth((db, out) -> {
            BackfillStore backfills = new BackfillStore(db);
            out.put("none yet", backfills.read("eu"));
            backfills.save(started, T0);
            out.put("started", backfills.read("eu"));
            SampleStore eu = new SampleStore(db, ARTIFACTS, "eu");
            eu.storePage(List.of(sample(1, "succ", -86400), sample(2, "run", -86000)), afterPage, T0.plusSeconds(1));
            out.put("after a page", backfills.read("eu"));
            eu.storePage(List.of(sample(3, "wait", -80000)), finished, T0.plusSeconds(9));
            out.put("finished", backfills.read("eu"));
            out.put("of another connection", backfills.read("default"));
            out.put("table", table(db, "SELECT connection, updated_at, finished_at FROM backfill_progress"));
            out.put("samples", table(db, "SELECT id, connection FROM samples ORDER BY id"));
        });

        assertEquals(Optional.of(started), seen.get("started"));
        assertEquals(Optional.of(afterPage), seen.get("after a page"));
        assertEquals(Optional.of(finished), seen.get("finished"));
    }

    @Test
    void analyzersFindTheirDueSamplesAndStoreResultsAsOnH2() throws Exception {
        Map<String, Object> seen = sameOnBoth((db, out) -> {
            AnalyzerStore analyzers = new AnalyzerStore(db);
            analyzers.register(List.of("alerts", "tags"), T0);
            analyzers.register(List.of("alerts", "late"), T0.plusSeconds(5));
            out.put("registered", table(db, "SELECT analyzer, since, scanned_to FROM analyzers ORDER BY analyzer"));
            new SampleStore(db, ARTIFACTS).storePage(List.of(sample(1, "succ", 0), sample(2, "succ", 10),
                    sample(3, "succ", 20), sample(4, "run", 30)), T0);
            ArtifactStore queue = new ArtifactStore(db);
            for (ArtifactTask task : queue.due(T0, 10)) {
                if (task.sampleId().equals(TgJson.id(3)) && task.name().equals("analysis.json")) {
                    queue.markFailed(task, "HTTP 500", T0.plusSeconds(900));
                } else if (task.name().equals("processes.json")) {
                    queue.markAbsent(task, T0.plusSeconds(10));
                } else {
                    queue.markDone(List.of(new DoneArtifact(task, 5, "bb".repeat(32), task.sampleId() + "/a")),
                            T0.plusSeconds(10));
                }
            }
            new CorrelationStore(db).replace(TgJson.id(1), T0.plusSeconds(20),
                    sink -> sink.summary(summary(91, "PE32")));
            new ParseStateStore(db).markParsed(TgJson.id(1), 2, T0.plusSeconds(20));
            out.put("due: sample 1 parsed", analyzers.due("alerts", T0.plusSeconds(60), T0, "", 10));
            analyzers.begin(TgJson.id(1), "alerts", 1, Optional.of(T0.plusSeconds(120)));
            out.put("due while its call runs", analyzers.due("alerts", T0.plusSeconds(60), T0, "", 10));
            analyzers.done(TgJson.id(1), "alerts", new AnalyzerResult(List.of("phish", "phish", "c2"),
                    List.of(Map.of("rule", "r1"), Map.of("rule", "r2", "score", "9"))), T0.plusSeconds(61));
            new ParseStateStore(db).markParsed(TgJson.id(2), 2, T0.plusSeconds(70));
            out.put("due: sample 2 parsed", analyzers.due("alerts", T0.plusSeconds(80), T0.plusSeconds(60), "", 10));
            analyzers.begin(TgJson.id(2), "alerts", 1, Optional.of(T0.plusSeconds(200)));
            analyzers.failed(TgJson.id(2), "alerts", "timed out", Optional.of(T0.plusSeconds(200)));
            out.put("due before the retry", analyzers.due("alerts", T0.plusSeconds(100), T0.plusSeconds(80), "", 10));
            out.put("due at the retry", analyzers.due("alerts", T0.plusSeconds(200), T0.plusSeconds(80), "", 10));
            analyzers.begin(TgJson.id(2), "alerts", 2, Optional.empty());
            analyzers.failed(TgJson.id(2), "alerts", "timed out again", Optional.empty());
            out.put("due once given up", analyzers.due("alerts", T0.plusSeconds(999), T0, "", 10));
            out.put("due to the later analyzer", analyzers.due("late", T0.plusSeconds(999), T0, "", 10));
            analyzers.scanned("alerts", T0.plusSeconds(300));
            out.put("scanned to", analyzers.scannedTo("alerts"));
            out.put("results", table(db, "SELECT * FROM analyzer_results ORDER BY sample_id, analyzer"));
            out.put("tags", table(db, "SELECT * FROM analyzer_tags ORDER BY sample_id, analyzer, tag"));
            out.put("rows", table(db, "SELECT * FROM analyzer_rows ORDER BY sample_id, analyzer, row_no, field"));
        });

        List<?> due = (List<?>) seen.get("due: sample 1 parsed");
        assertEquals(1, due.size());
        AnalyzerTask first = (AnalyzerTask) due.get(0);
        assertEquals(List.of(TgJson.id(1), Optional.of(91), Map.of("analysis.json", TgJson.id(1) + "/a")),
                List.of(first.sample().id(), first.scores().orElseThrow().threatScore(), first.artifactPaths()));
        assertEquals(List.of(List.of(), List.of()), List.of(seen.get("due while its call runs"),
                seen.get("due before the retry")), "a sample waits for its retry time");
        assertEquals(List.of(TgJson.id(2)), ((List<?>) seen.get("due at the retry")).stream()
                .map(task -> ((AnalyzerTask) task).sample().id()).toList());
        assertEquals(List.of(), seen.get("due once given up"));
        assertEquals(List.of(List.of(TgJson.id(1), "alerts", "c2"), List.of(TgJson.id(1), "alerts", "phish")),
                seen.get("tags"));
    }

    private static Sample sample(int n, String state, long submittedAfterT0) {
        return TestSamples.sample(n, state, T0.plusSeconds(submittedAfterT0));
    }

    /** A success of login "eve" submitted at {@code submitted} whose result came at {@code completed}. */
    private static Sample timed(int n, Instant submitted, Instant completed) {
        Sample s = TestSamples.sample(n, "succ", submitted);
        return new Sample(s.id(), s.state(), s.status(), s.filename(), s.login(), s.organizationId(),
                s.submissionId(), s.submittedAt(), s.startedAt(), Optional.of(completed), s.md5(), s.sha1(),
                s.sha256(), s.tags(), s.vm(), s.os(), s.playbook(), s.isPrivate());
    }

    private static StateReport state(int n, String state) {
        return new StateReport(TgJson.id(n), state, Optional.of("job_" + state));
    }

    private static Summary summary(int threatScore, String magicType) {
        return new Summary(Optional.of(threatScore), Optional.of(threatScore / 2), Optional.of(80),
                Optional.of("win10"), Optional.of(T0), Optional.of(T0.plusSeconds(300)), Optional.of(300),
                Optional.of("exe"), Optional.of(magicType), 2);
    }

    private static Ioc ioc(String name, String title) {
        return new Ioc(name, Optional.ofNullable(title), Optional.of("[\"evasion\"]"), Optional.empty(),
                Optional.of(70), Optional.of(90), Optional.of(1));
    }

    private static NetworkFlow flow(String dstIp, int dstPort) {
        return new NetworkFlow(Optional.of("10.0.2.15"), Optional.of(49152), Optional.of(dstIp),
                Optional.of(dstPort), Optional.of("tcp"), Optional.of("https"), Optional.of(100L), Optional.of(2000L),
                Optional.of(T0), Optional.of(T0.plusSeconds(2)));
    }

    private static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    private static CorrelationQueries.Found found(Map<String, Object> seen, String what) {
        List<?> found = (List<?>) seen.get(what);
        return new CorrelationQueries.Found((QueryResult) found.get(0), (OptionalLong) found.get(1));
    }

    private static List<Object> firstColumn(Map<String, Object> seen, String what) {
        return found(seen, what).samples().rows().stream().map(r -> r.get(0)).toList();
    }

    /** Rows in an order of their own, for tables whose rows no column orders. */
    private static List<List<Object>> sorted(List<List<Object>> rows) {
        return rows.stream().sorted(Comparator.comparing(Object::toString)).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<List<Object>> table(Map<String, Object> seen, String what) {
        return (List<List<Object>>) seen.get(what);
    }

    /**
     * The rows of a query on the tables themselves, read as the owner, each value as plain Java: times as instants and
     * whole numbers as longs, whichever types the two drivers hand them in.
     */
    private static List<List<Object>> table(Database db, String sql) throws SQLException {
        try (Connection conn = db.ownerConnection(); PreparedStatement st = conn.prepareStatement(sql);
             ResultSet rs = st.executeQuery()) {
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
                    Object value = rs.getObject(c);
                    row.add(value instanceof java.util.Date || value instanceof OffsetDateTime
                            ? rs.getObject(c, OffsetDateTime.class).toInstant()
                            : value instanceof Integer || value instanceof Short ? ((Number) value).longValue()
                            : value);
                }
                rows.add(row);
            }
            return rows;
        }
    }
}
