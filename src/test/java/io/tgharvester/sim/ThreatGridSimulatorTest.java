package io.tgharvester.sim;

import static io.tgharvester.sim.Fixtures.KEY;
import static io.tgharvester.sim.Fixtures.START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.TestClock;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The list, state and error behaviour of the simulated Threat Grid API v2, over real HTTP. */
class ThreatGridSimulatorTest {
    private static final String WIRE_TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";

    @RegisterExtension
    final RunningSimulator running = new RunningSimulator(Duration.ZERO);

    @Test
    void refusesAMissingOrWrongKeyWithThreatGridsErrorJson() throws Exception {
        List<HttpResponse<byte[]>> refused = List.of(
                running.calls().raw("/api/v2/samples?org_only=True"),
                running.calls().raw("/api/v2/samples?org_only=True&api_key=nope"),
                running.calls().raw("/api/v2/samples?org_only=True", "Authorization", "bearer nope"),
                running.calls().raw("/api/v2/samples?org_only=True", "Authorization", KEY));

        for (HttpResponse<byte[]> response : refused) {
            assertEquals(401, response.statusCode());
            assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
            Map<?, ?> body = SimulatorCalls.json(response.body());
            assertEquals(2.0, body.get("api_version"));
            assertTrue(body.get("id") instanceof Double);
            Map<?, ?> error = (Map<?, ?>) body.get("error");
            assertEquals(401.0, error.get("code"));
            assertTrue(error.get("message") instanceof String);
            assertEquals(401.0, ((Map<?, ?>) ((List<?>) error.get("errors")).get(0)).get("code"));
        }
    }

    @Test
    void acceptsTheKeyAsQueryParameterOrBearerHeaderWhateverTheSchemesCase() throws Exception {
        assertEquals(200, running.calls().raw("/api/v2/samples?org_only=True&api_key=" + KEY).statusCode());
        for (String scheme : List.of("bearer", "Bearer", "BEARER")) {
            assertEquals(200, running.calls().raw("/api/v2/samples?org_only=True", "Authorization", scheme + " " + KEY)
                    .statusCode(), scheme);
        }
    }

    @Test
    void refusesAListCallWithoutOrgOnlyTrue() throws Exception {
        for (String query : List.of("", "?org_only=False", "?org_only=1", "?org_only=TRUE", "?org_only=")) {
            HttpResponse<byte[]> response = running.calls().get("/api/v2/samples" + query);
            assertEquals(400, response.statusCode(), query);
            Map<?, ?> error = (Map<?, ?>) SimulatorCalls.json(response.body()).get("error");
            assertTrue(((String) error.get("message")).contains("org_only"), query);
        }
        assertEquals(200, running.calls().get("/api/v2/samples?org_only=true").statusCode());
    }

    @Test
    void wrapsEveryJsonAnswerInAnEnvelopeNumberedPerRequest() throws Exception {
        HttpResponse<byte[]> first = running.calls().get("/api/v2/samples?org_only=True");
        HttpResponse<byte[]> second = running.calls().get("/api/v2/samples/state?ids=%5B%5D");

        assertEquals("application/json", first.headers().firstValue("Content-Type").orElseThrow());
        Map<?, ?> one = SimulatorCalls.json(first.body());
        Map<?, ?> two = SimulatorCalls.json(second.body());
        assertEquals(Set.of("api_version", "id", "data"), one.keySet());
        assertEquals(2.0, one.get("api_version"));
        assertTrue((Double) two.get("id") > (Double) one.get("id"));
        assertEquals(List.of(), two.get("data"));
    }

    @Test
    void listsNewestFirstWhateverSortOrderIsAskedWithPagingFields() throws Exception {
        running.clock().advance(Duration.ofMinutes(5));
        List<String> newestFirst = new ArrayList<>(ids(running.simulator().groundTruth().samples()));
        Collections.reverse(newestFirst);

        Map<?, ?> page = (Map<?, ?>) running.calls().data("/api/v2/samples?org_only=True&limit=3&offset=2");
        List<Map<?, ?>> askedAscending = running.calls().items("&sort_by=submitted_at&sort_order=asc&limit=3");

        assertEquals(2.0, page.get("index"));
        assertEquals(3.0, page.get("items_per_page"));
        assertEquals(3.0, page.get("current_item_count"));
        assertEquals(newestFirst.subList(2, 5), itemIds((List<?>) page.get("items")));
        assertEquals(newestFirst.subList(0, 3), itemIds(askedAscending), "sort_by/sort_order are not documented here");
    }

    @Test
    void listsInTheConfiguredOrderOldestFirstOrShuffledTheSameWayOnEveryCall() throws Exception {
        for (ListOrder order : List.of(ListOrder.OLDEST, ListOrder.SHUFFLED)) {
            try (ThreatGridSimulator other = new ThreatGridSimulator(
                    Fixtures.mixed().withListing(SimulatorConfig.DEFAULT_PAGE_CAP, order), running.clock())) {
                other.start(0);
                running.clock().advance(Duration.ofMinutes(5));
                List<String> oldestFirst = ids(other.groundTruth().samples());
                List<String> newestFirst = new ArrayList<>(oldestFirst);
                Collections.reverse(newestFirst);
                SimulatorCalls calls = new SimulatorCalls(other, Fixtures.KEY);
                List<String> listed = itemIds(calls.items("&limit=100"));
                assertEquals(new HashSet<>(oldestFirst), new HashSet<>(listed), order.toString());
                assertEquals(listed, itemIds(calls.items("&limit=100")), order + " is the same on every call");
                if (order == ListOrder.OLDEST) {
                    assertEquals(oldestFirst, listed);
                } else {
                    assertNotEquals(oldestFirst, listed);
                    assertNotEquals(newestFirst, listed);
                }
            }
        }
    }

    @Test
    void pagesWithLimitAndOffsetUntilAShortPage() throws Exception {
        running.clock().advance(Duration.ofMinutes(5));
        List<String> expected = new ArrayList<>(ids(running.simulator().groundTruth().samples()));
        Collections.reverse(expected);

        List<String> paged = new ArrayList<>();
        List<Map<?, ?>> page;
        do {
            page = running.calls().items("&limit=7&offset=" + paged.size());
            paged.addAll(itemIds(page));
        } while (page.size() == 7);

        assertEquals(expected, paged);
        assertTrue(expected.size() > 20, "history plus five minutes of submissions: " + expected.size());
    }

    @Test
    void filtersOnSubmissionTimeWithAfterInclusiveAndBeforeExclusive() throws Exception {
        running.clock().advance(Duration.ofMinutes(5));
        List<SimulatedSample> truth = new ArrayList<>(running.simulator().groundTruth().samples());
        Collections.reverse(truth);
        Instant cut = truth.get(3).submittedAt();

        List<Map<?, ?>> after = running.calls().items("&after=" + cut);
        List<Map<?, ?>> afterWithOffset = running.calls().items("&after="
                + URLEncoder.encode(cut.atOffset(ZoneOffset.ofHours(2)).toString(), StandardCharsets.UTF_8));
        List<Map<?, ?>> afterWithMillis = running.calls().items("&after=" + cut.plusMillis(1).toString());
        List<Map<?, ?>> before = running.calls().items("&limit=1000&before=" + cut);

        assertEquals(ids(truth.subList(0, 4)), itemIds(after));
        assertEquals(itemIds(after), itemIds(afterWithOffset));
        assertEquals(3, afterWithMillis.size());
        assertEquals(ids(truth.subList(4, truth.size())), itemIds(before));
    }

    @Test
    void refusesUnreadableListParametersAndCapsTheLimitToItsPageSize() throws Exception {
        for (String bad : List.of("&after=yesterday", "&before=2026-13-01T00:00:00Z", "&limit=0", "&limit=ten",
                "&offset=-1")) {
            assertEquals(400, running.calls().get("/api/v2/samples?org_only=True" + bad).statusCode(), bad);
        }
        try (ThreatGridSimulator busier = new ThreatGridSimulator(Fixtures.mixed().withMaxSamples(0), running.clock())) {
            busier.start(0);
            running.clock().advance(Duration.ofHours(1));
            Map<?, ?> page = (Map<?, ?>) new SimulatorCalls(busier, Fixtures.KEY)
                    .data("/api/v2/samples?org_only=True&limit=5000");
            assertEquals((double) SimulatorConfig.DEFAULT_PAGE_CAP, page.get("items_per_page"));
            assertEquals((double) SimulatorConfig.DEFAULT_PAGE_CAP, page.get("current_item_count"));
            assertEquals(SimulatorConfig.DEFAULT_PAGE_CAP, ((List<?>) page.get("items")).size());
        }
    }

    @Test
    void describesEachSampleWithThreatGridsListFields() throws Exception {
        running.clock().advance(Duration.ofMinutes(5));
        Instant now = running.clock().instant();
        List<Map<?, ?>> items = running.calls().items("&limit=1000");
        Map<String, SimulatedSample> truth = new HashMap<>();
        running.simulator().groundTruth().samples().forEach(s -> truth.put(s.id(), s));

        assertEquals(truth.size(), items.size());
        for (Map<?, ?> item : items) {
            SimulatedSample sample = truth.get((String) item.get("id"));
            String state = sample.stateAt(now);
            assertTrue(item.keySet().containsAll(Set.of("id", "filename", "state", "status", "submitted_at", "login",
                    "organization_id", "submission_id", "md5", "sha1", "sha256", "tags", "vm", "os", "private",
                    "playbook")), item.keySet().toString());
            assertTrue(((String) item.get("id")).matches("[0-9a-f]{32}"));
            assertEquals(state, item.get("state"));
            assertEquals(sample.statusAt(now), item.get("status"));
            assertTrue(((String) item.get("submitted_at")).matches(WIRE_TIME));
            assertEquals(sample.submittedAt().toString(), item.get("submitted_at"));
            assertEquals(!state.equals("wait"), item.containsKey("started_at"), state);
            assertEquals(state.matches("succ|fail"), item.containsKey("completed_at"), state);
            if (item.containsKey("completed_at")) {
                assertEquals(sample.completedAt().toString(), item.get("completed_at"));
            }
            assertEquals(sample.login(), item.get("login"));
            assertEquals(4242.0, item.get("organization_id"));
            assertEquals((double) sample.submissionId(), item.get("submission_id"));
            assertEquals(sample.sha256(), item.get("sha256"));
            assertTrue(((String) item.get("md5")).matches("[0-9a-f]{32}"));
            assertTrue(((String) item.get("sha1")).matches("[0-9a-f]{40}"));
            assertTrue(item.get("tags") instanceof List<?>);
            assertTrue(item.get("private") instanceof Boolean);
        }
        assertTrue(items.stream().anyMatch(i -> i.get("login") == null), "some samples come without a login");
        assertTrue(items.stream().map(i -> i.get("state")).distinct().count() > 2, "a mix of states");
    }

    @Test
    void bulkStateAnswersKnownIdsOnlyInTheOrderAsked() throws Exception {
        running.clock().advance(Duration.ofMinutes(1));
        List<SimulatedSample> truth = running.simulator().groundTruth().samples();
        SimulatedSample newest = truth.get(truth.size() - 1);
        SimulatedSample oldest = truth.get(0);
        String unknown = "f".repeat(32);

        List<?> states = running.calls().states("[\"" + newest.id() + "\",\"" + unknown + "\",\"" + oldest.id() + "\",\""
                + newest.id() + "\"]");

        Instant now = running.clock().instant();
        assertEquals(List.of(
                Map.of("sample", newest.id(), "state", newest.stateAt(now), "status", newest.statusAt(now)),
                Map.of("sample", oldest.id(), "state", oldest.stateAt(now), "status", oldest.statusAt(now))), states);
    }

    @Test
    void refusesABulkStateCallWithoutAJsonListOfIds() throws Exception {
        for (String ids : List.of("", "?ids=notjson", "?ids=%5B1%2C2%5D", "?ids=%7B%7D", "?ids=%5Bnull%5D")) {
            HttpResponse<byte[]> response = running.calls().get("/api/v2/samples/state" + ids);
            assertEquals(400, response.statusCode(), ids);
            assertTrue(SimulatorCalls.json(response.body()).containsKey("error"));
        }
    }

    @Test
    void singleStateFollowsTheSampleToItsEnd() throws Exception {
        running.clock().advance(Duration.ofMinutes(1));
        List<SimulatedSample> truth = running.simulator().groundTruth().samples();
        SimulatedSample sample = truth.get(truth.size() - 1);
        String path = "/api/v2/samples/" + sample.id() + "/state";

        List<Object> seen = new ArrayList<>();
        for (Instant at : List.of(sample.submittedAt(), sample.prepAt(), sample.runAt(), sample.procAt(),
                sample.completedAt())) {
            running.clock().set(at);
            seen.add(((Map<?, ?>) running.calls().data(path)).get("state"));
        }

        assertEquals(List.of("wait", "prep", "run", "proc", sample.finalState()), seen);
    }

    @Test
    void answersUnknownSamplesAndPathsWith404ErrorJson() throws Exception {
        SimulatedSample any = running.simulator().groundTruth().samples().get(0);
        for (String path : List.of("/api/v2/samples/" + "0".repeat(32) + "/state", "/api/v2/nothing", "/",
                "/api/v2/samples/" + any.id() + "/report.html", "/api/v2/samples/" + any.id().toUpperCase()
                        + "/state")) {
            HttpResponse<byte[]> response = running.calls().get(path);
            assertEquals(404, response.statusCode(), path);
            assertEquals(404.0, ((Map<?, ?>) SimulatorCalls.json(response.body()).get("error")).get("code"));
        }
    }

    @Test
    void samplesExistOnlyOnceTheClockReachesTheirSubmission() throws Exception {
        SimulatedSample coming = coming();
        String state = "/api/v2/samples/" + coming.id() + "/state";
        assertEquals(10, running.simulator().groundTruth().samples().size(), "only the history before the start");

        running.clock().set(coming.submittedAt().minusSeconds(1));
        assertEquals(404, running.calls().get(state).statusCode());
        assertFalse(itemIds(running.calls().items("&limit=1000")).contains(coming.id()));

        running.clock().set(coming.submittedAt());
        assertEquals("wait", ((Map<?, ?>) running.calls().data(state)).get("state"));
        assertTrue(itemIds(running.calls().items("&limit=1000")).contains(coming.id()));
    }

    @Test
    void recordsEveryRequestWithItsQueryExactlyAsSent() throws Exception {
        running.calls().raw("/api/v2/samples?org_only=True&after=2026-11-20T06%3A00%3A00Z", "Authorization", "bearer " + KEY);
        running.calls().raw("/api/v2/samples/state");

        List<RecordedRequest> requests = running.simulator().requests();
        assertEquals(2, requests.size());
        assertEquals("GET", requests.get(0).method());
        assertEquals("/api/v2/samples", requests.get(0).path());
        assertEquals("org_only=True&after=2026-11-20T06%3A00%3A00Z", requests.get(0).rawQuery());
        assertEquals(List.of("bearer " + KEY), requests.get(0).headers().get("Authorization"));
        assertNull(requests.get(1).rawQuery());
    }

    /** The first sample submitted after the start, seen through a twin simulator whose clock is further on. */
    private SimulatedSample coming() {
        TestClock ahead = new TestClock(START);
        try (ThreatGridSimulator twin = new ThreatGridSimulator(Fixtures.mixed(), ahead)) {
            ahead.advance(Duration.ofMinutes(2));
            return twin.groundTruth().samples().get(10);
        }
    }

    private static List<String> ids(List<SimulatedSample> samples) {
        return samples.stream().map(SimulatedSample::id).toList();
    }

    private static List<String> itemIds(List<?> items) {
        return items.stream().map(i -> (String) ((Map<?, ?>) i).get("id")).toList();
    }
}
