package io.tgharvester.pipeline;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tgharvester.TestApi;
import io.tgharvester.TestClock;
import io.tgharvester.TgJson;
import io.tgharvester.api.ApiUnavailable;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import io.tgharvester.store.SampleStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SampleFetcherTest {
    static final List<String> FOUR = List.of("analysis.json", "processes.json", "network.pcap", "video.webm");
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path dataDir;
    private Database db;
    private SampleStore store;
    private final TestClock clock = new TestClock(T0.plus(Duration.ofHours(1)));

    @BeforeEach
    void open() {
        db = Database.open(dataDir);
        store = new SampleStore(db, FOUR);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private SampleFetcher fetcher(int pageSize) {
        ThreatGridClient client = TestApi.client(wm.baseUrl());
        return new SampleFetcher(client, store, clock, Duration.ofMinutes(10), Duration.ofDays(7), pageSize);
    }

    private void stubPage(int offset, List<String> items) {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).withQueryParam("offset", equalTo(String.valueOf(offset)))
                .willReturn(okJson(TgJson.page(offset, 3, items))));
    }

    private static List<String> samples(int from, int to) {
        List<String> items = new ArrayList<>();
        for (int n = from; n < to; n++) {
            items.add(TgJson.sample(n, "run", "user" + (n % 2), T0.plusSeconds(n * 60L)));
        }
        return items;
    }

    private static List<String> newestFirst(int from, int to) {
        List<String> items = samples(from, to);
        Collections.reverse(items);
        return items;
    }

    private long count(String sql) {
        return ((Number) new Queries(db).userQuery(sql).rows().get(0).get(0)).longValue();
    }

    @Test
    void pagesUntilAShortPageAndStoresEverySample() {
        stubPage(0, samples(0, 3));
        stubPage(3, samples(3, 6));
        stubPage(6, samples(6, 7));

        fetcher(3).run();

        List<LoggedRequest> calls = wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples")));
        assertEquals(List.of("0", "3", "6"), calls.stream().map(r -> r.queryParameter("offset").firstValue()).toList());
        calls.forEach(r -> assertEquals("True", r.queryParameter("org_only").firstValue()));
        assertEquals(7, count("SELECT COUNT(*) FROM samples"));
        assertEquals(7, count("SELECT COUNT(*) FROM state_changes WHERE from_state IS NULL AND to_state = 'run'"));
    }

    @Test
    void pagesByWhatTheServerReturnsWhenItCapsThePageSize() {
        // asked for 1000, served 3 a page: only a page shorter than the server's own 3 ends the list
        stubPage(0, samples(0, 3));
        stubPage(3, samples(3, 6));
        stubPage(6, samples(6, 7));

        fetcher(1000).run();

        assertEquals(List.of("0", "3", "6"), wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples"))).stream()
                .map(r -> r.queryParameter("offset").firstValue()).toList());
        assertEquals(7, count("SELECT COUNT(*) FROM samples"));
    }

    @Test
    void withoutAServerPageSizeOnlyAPageShorterThanTheLimitAskedForEndsTheList() {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).withQueryParam("offset", equalTo("0"))
                .willReturn(okJson("{\"api_version\": 2, \"id\": 1, \"data\": {\"items\": ["
                        + String.join(",", samples(0, 3)) + "]}}")));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).withQueryParam("offset", equalTo("3"))
                .willReturn(okJson("{\"api_version\": 2, \"id\": 2, \"data\": {\"items\": []}}")));

        fetcher(3).run();

        assertEquals(2, wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples"))).size(), "an empty page ends it");
        assertEquals(3, count("SELECT COUNT(*) FROM samples"));
    }

    @Test
    void theWatermarkMovesOnlyToWhatTheServerHadListedWhenTheListingBegan() {
        // oldest first: the newest of the first page, then, one listing later, the newest the first listing saw
        stubPage(0, samples(0, 3));
        stubPage(3, samples(3, 6));
        stubPage(6, samples(6, 7));

        fetcher(3).run();
        assertEquals(Optional.of(T0.plusSeconds(2 * 60)), store.watermark());

        fetcher(3).run();
        assertEquals(Optional.of(T0.plusSeconds(6 * 60)), store.watermark());
    }

    @Test
    void newestFirstTheWatermarkReachesTheNewestSubmissionInOneListing() {
        stubPage(0, newestFirst(4, 7));
        stubPage(3, newestFirst(1, 4));
        stubPage(6, samples(0, 1));

        fetcher(3).run();

        assertEquals(Optional.of(T0.plusSeconds(6 * 60)), store.watermark());
    }

    @Test
    void theFirstFetchLooksBackTheInitialWindowAndLaterOnesOverlapTheWatermark() {
        stubPage(0, samples(0, 2));

        fetcher(3).run();
        fetcher(3).run();

        List<LoggedRequest> calls = wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples")));
        assertEquals(clock.instant().minus(Duration.ofDays(7)).toString(),
                calls.get(0).queryParameter("after").firstValue());
        assertEquals(T0.plusSeconds(60).minus(Duration.ofMinutes(10)).toString(),
                calls.get(1).queryParameter("after").firstValue());
        assertEquals(2, count("SELECT COUNT(*) FROM samples"), "the overlap's duplicates are absorbed");
    }

    @Test
    void aFailedPageKeepsEarlierPagesAndTheNextRoundContinuesTheListingWhereItStopped() {
        stubPage(0, newestFirst(4, 7));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).withQueryParam("offset", equalTo("3"))
                .willReturn(aResponse().withStatus(502)));

        assertThrows(ApiUnavailable.class, () -> fetcher(3).run());

        assertEquals(3, count("SELECT COUNT(*) FROM samples"));
        assertEquals(Optional.empty(), store.watermark(), "no watermark before the listing is complete");

        wm.resetAll();
        stubPage(3, newestFirst(1, 4));
        stubPage(6, samples(0, 1));
        fetcher(3).run();

        List<LoggedRequest> calls = wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples")));
        assertEquals(List.of("3", "6"), calls.stream().map(r -> r.queryParameter("offset").firstValue()).toList());
        assertEquals(clock.instant().minus(Duration.ofDays(7)).toString(),
                calls.get(0).queryParameter("after").firstValue(), "the same listing, same after=");
        assertEquals(7, count("SELECT COUNT(*) FROM samples"));
        assertEquals(Optional.of(T0.plusSeconds(6 * 60)), store.watermark());
    }

    @Test
    void aSampleFirstSeenAlreadySucceededQueuesItsFourArtifacts() {
        stubPage(0, List.of(TgJson.sample(TgJson.id(9), "succ", "\"carol\"", T0, T0.plusSeconds(420))));

        int succeeded = fetcher(3).run();

        assertEquals(1, succeeded);
        assertEquals(4, count("SELECT COUNT(*) FROM artifacts WHERE status = 'pending' AND sample_id = '"
                + TgJson.id(9) + "'"));
        assertEquals(420, count("SELECT DATEDIFF('SECOND', submitted_at, finished_at) FROM samples"));
        assertEquals(1, count("SELECT COUNT(*) FROM state_changes WHERE from_state IS NULL AND to_state = 'succ'"));
    }

    @Test
    void aPageWithNewSuccessesIsSignalledBeforeTheNextPageIsAskedForAndTheLastPageIsLeftToTheStagesResult() {
        stubPage(0, List.of(TgJson.sample(TgJson.id(1), "succ", "\"carol\"", T0, T0.plusSeconds(60)),
                TgJson.sample(2, "run", "carol", T0.plusSeconds(1)), TgJson.sample(3, "run", "carol", T0.plusSeconds(2))));
        stubPage(3, samples(4, 7));
        stubPage(6, List.of(TgJson.sample(TgJson.id(7), "succ", "\"carol\"", T0, T0.plusSeconds(60))));
        List<Integer> listCallsAtSignal = new ArrayList<>();
        SucceededSignal signal = new SucceededSignal();
        signal.listen(() -> listCallsAtSignal.add(wm.getAllServeEvents().size()));

        int succeeded = new SampleFetcher(TestApi.client(wm.baseUrl()), store, clock, Duration.ofMinutes(10),
                Duration.ofDays(7), 3, signal).run();

        assertEquals(2, succeeded);
        assertEquals(List.of(1), listCallsAtSignal, "one signal, after the first page and before the second");
    }

    @Test
    void duplicateIdsWithinAndAcrossPagesBecomeOneSampleWithItsLatestState() {
        stubPage(0, List.of(TgJson.sample(1, "wait", "eve", T0), TgJson.sample(1, "run", "eve", T0),
                TgJson.sample(2, "wait", "eve", T0.plusSeconds(1))));
        stubPage(3, List.of(TgJson.sample(1, "proc", "eve", T0)));

        fetcher(3).run();

        assertEquals(2, count("SELECT COUNT(*) FROM samples"));
        assertEquals(1, count("SELECT COUNT(*) FROM samples WHERE state = 'proc' AND id = '" + TgJson.id(1) + "'"));
        assertEquals(3, count("SELECT COUNT(*) FROM state_changes WHERE sample_id = '" + TgJson.id(1) + "'"),
                "wait (first sight), run, proc");
    }

    @Test
    void aFinalStateIsNotUndoneByALaggingListPage() {
        stubPage(0, List.of(TgJson.sample(TgJson.id(1), "succ", "\"dan\"", T0, T0.plusSeconds(60))));
        fetcher(3).run();
        wm.resetAll();
        stubPage(0, List.of(TgJson.sample(1, "proc", "dan", T0)));

        fetcher(3).run();

        assertEquals(1, count("SELECT COUNT(*) FROM samples WHERE state = 'succ'"));
        assertEquals(1, count("SELECT COUNT(*) FROM state_changes"));
    }
}
