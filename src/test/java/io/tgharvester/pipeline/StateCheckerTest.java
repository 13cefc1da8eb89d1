package io.tgharvester.pipeline;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tgharvester.TestApi;
import io.tgharvester.TestClock;
import io.tgharvester.TgJson;
import io.tgharvester.api.Sample;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import io.tgharvester.store.SampleStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class StateCheckerTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path dataDir;
    private Database db;
    private SampleStore store;
    private final TestClock clock = new TestClock(T0.plus(Duration.ofMinutes(30)));

    @BeforeEach
    void open() {
        db = Database.open(dataDir);
        store = new SampleStore(db, SampleFetcherTest.FOUR);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private StateChecker checker() {
        ThreatGridClient client = TestApi.client(wm.baseUrl());
        return new StateChecker(client, store, clock, Duration.ofDays(1));
    }

    private void storeSamples(int count, String state) {
        List<Sample> samples = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            samples.add(new Sample(TgJson.id(n), state, Optional.empty(), Optional.empty(), Optional.of("eve"),
                    Optional.empty(), Optional.empty(), Optional.of(T0.plusSeconds(n)), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
        }
        store.storePage(samples, T0);
    }

    private List<List<Object>> rows(String sql) {
        return new Queries(db).userQuery(sql).rows();
    }

    @Test
    void checksEveryUnfinishedSampleInChunksThatKeepUrlsShort() {
        storeSamples(300, "wait");
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(TgJson.states(List.of()))));

        checker().run();

        List<LoggedRequest> calls = wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples/state")));
        assertEquals(3, calls.size(), "300 ids in chunks of " + StateChecker.IDS_PER_CALL);
        int ids = 0;
        for (LoggedRequest call : calls) {
            assertTrue(call.getUrl().length() < 6 * 1024, "URL of " + call.getUrl().length() + " chars");
            ids += call.queryParameter("ids").firstValue().split(",").length;
        }
        assertEquals(300, ids);
    }

    @Test
    void recordsEveryStateChangeTreatsSuccAndFailAsFinalAndQueuesDownloadsForSucc() {
        storeSamples(6, "wait");
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(TgJson.states(List.of(
                TgJson.id(0), "prep", TgJson.id(1), "run", TgJson.id(2), "proc",
                TgJson.id(3), "succ", TgJson.id(4), "fail", TgJson.id(5), "quarantined")))));

        int succeeded = checker().run();

        assertEquals(1, succeeded);
        assertEquals(List.of(List.of(TgJson.id(0), "prep"), List.of(TgJson.id(1), "run"),
                        List.of(TgJson.id(2), "proc"), List.of(TgJson.id(3), "succ"), List.of(TgJson.id(4), "fail"),
                        List.of(TgJson.id(5), "quarantined")),
                rows("SELECT sample_id, to_state FROM state_changes WHERE from_state = 'wait' ORDER BY sample_id"));
        assertEquals(List.of(TgJson.id(0), TgJson.id(1), TgJson.id(2), TgJson.id(5)), store.unfinishedIds(),
                "an unknown state is recorded and still checked");
        assertEquals(List.of(List.of(4L)), rows("SELECT COUNT(*) FROM artifacts WHERE sample_id = '"
                + TgJson.id(3) + "' AND status = 'pending'"));
        assertEquals(List.of(List.of(2L)), rows("SELECT COUNT(*) FROM samples WHERE finished_at IS NOT NULL"));
    }

    @Test
    void samplesUnfinishedPastTheStaleAgeAreRecordedStaleAndNoLongerChecked() {
        storeSamples(2, "run");
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(TgJson.states(List.of()))));
        clock.advance(Duration.ofDays(1));

        checker().run();

        assertEquals(0, wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples/state"))).size());
        assertEquals(List.of(List.of(TgJson.id(0), "run", "stale"), List.of(TgJson.id(1), "run", "stale")),
                rows("SELECT sample_id, from_state, to_state FROM state_changes WHERE from_state IS NOT NULL"
                        + " ORDER BY sample_id"));
        assertEquals(List.of(List.of(0L, 2L)), rows("SELECT pending, stale FROM user_stats"));
    }

    @Test
    void aServerClockFarBehindOursDoesNotMakeNewSamplesStale() {
        store.storePage(List.of(new Sample(TgJson.id(1), "run", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(T0.minus(Duration.ofDays(30))),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())), clock.instant());
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(TgJson.states(List.of()))));

        checker().run();

        assertEquals(List.of(TgJson.id(1)), store.unfinishedIds());
    }

    @Test
    void idsTheServerDoesNotKnowAreLeftAsTheyWere() {
        storeSamples(2, "run");
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(TgJson.states(List.of(
                TgJson.id(0), "run", TgJson.id(77), "succ")))));

        checker().run();

        assertEquals(List.of(List.of(0L)), rows("SELECT COUNT(*) FROM state_changes WHERE from_state IS NOT NULL"));
        assertEquals(List.of(List.of(2L)), rows("SELECT COUNT(*) FROM samples"));
    }
}
