package io.tgharvester.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.squareup.moshi.Moshi;
import io.tgharvester.TestClock;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ThreatGridSimulatorTest {
    private static final String KEY = "sim-test-key";
    private static final Instant START = Instant.parse("2026-11-20T12:00:00Z");

    private final TestClock clock = new TestClock(START);
    private final HttpClient http = HttpClient.newHttpClient();
    private ThreatGridSimulator simulator;

    @BeforeEach
    void start() {
        simulator = new ThreatGridSimulator(SimulatorConfig.defaults(KEY).withMaxSamples(30), clock);
        simulator.start(0);
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    private HttpResponse<byte[]> get(String pathAndQuery, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + pathAndQuery));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private Map<?, ?> json(HttpResponse<byte[]> response) throws IOException {
        return (Map<?, ?>) new Moshi.Builder().build().adapter(Object.class)
                .fromJson(new String(response.body(), StandardCharsets.UTF_8));
    }

    private List<?> items(String query) throws Exception {
        HttpResponse<byte[]> response = get("/api/v2/samples?org_only=True&api_key=" + KEY + query, null);
        assertEquals(200, response.statusCode());
        return (List<?>) ((Map<?, ?>) json(response).get("data")).get("items");
    }

    @Test
    void refusesAMissingOrWrongKeyWithThreatGridsErrorJson() throws Exception {
        HttpResponse<byte[]> none = get("/api/v2/samples?org_only=True", null);
        HttpResponse<byte[]> wrong = get("/api/v2/samples?org_only=True&api_key=nope", null);

        assertEquals(401, none.statusCode());
        assertEquals(401, wrong.statusCode());
        Map<?, ?> error = (Map<?, ?>) json(wrong).get("error");
        assertEquals(401.0, error.get("code"));
        assertTrue(error.get("errors") instanceof List<?>);
    }

    @Test
    void acceptsTheKeyAsBearerHeaderOrQueryParameter() throws Exception {
        assertEquals(200, get("/api/v2/samples?org_only=True", "Bearer " + KEY).statusCode());
        assertEquals(200, get("/api/v2/samples?org_only=True&api_key=" + KEY, null).statusCode());
    }

    @Test
    void aListCallWithoutOrgOnlyTrueIsRefused() throws Exception {
        assertEquals(400, get("/api/v2/samples?api_key=" + KEY, null).statusCode());
        assertEquals(400, get("/api/v2/samples?org_only=False&api_key=" + KEY, null).statusCode());
    }

    @Test
    void listsPagesOldestFirstFromAfterWithEveryField() throws Exception {
        clock.advance(Duration.ofMinutes(5));
        List<SimulatedSample> truth = simulator.groundTruth().samples();
        assertTrue(truth.size() > 10, "history plus five minutes of submissions: " + truth.size());

        List<?> first = items("&sort_by=submitted_at&sort_order=asc&limit=4&offset=0");
        List<?> second = items("&sort_by=submitted_at&sort_order=asc&limit=4&offset=4");
        List<?> after = items("&sort_order=asc&after=" + truth.get(truth.size() - 2).submittedAt());

        assertEquals(truth.subList(0, 8).stream().map(SimulatedSample::id).toList(),
                java.util.stream.Stream.concat(first.stream(), second.stream())
                        .map(i -> ((Map<?, ?>) i).get("id")).toList());
        assertEquals(2, after.size());
        Map<?, ?> item = (Map<?, ?>) first.get(0);
        assertTrue(item.keySet().containsAll(Set.of("id", "filename", "state", "status", "submitted_at", "login",
                "organization_id", "submission_id", "md5", "sha1", "sha256", "tags", "vm", "os", "private",
                "playbook")), item.keySet().toString());
        assertTrue(((String) item.get("submitted_at")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
        assertEquals(((Map<?, ?>) items("&limit=1").get(0)).get("id"), truth.get(truth.size() - 1).id(),
                "newest first without sort_order=asc, as Threat Grid does");
    }

    @Test
    void statesMoveToAFinalStateAsTimePassesAndBulkStateAnswersKnownIdsOnly() throws Exception {
        clock.advance(Duration.ofMinutes(1));
        SimulatedSample sample = simulator.groundTruth().samples().get(simulator.groundTruth().samples().size() - 1);
        String ids = URLEncoder.encode("[\"" + sample.id() + "\",\"" + "f".repeat(32) + "\"]", StandardCharsets.UTF_8);

        List<?> before = (List<?>) json(get("/api/v2/samples/state?ids=" + ids + "&api_key=" + KEY, null)).get("data");
        clock.set(sample.completedAt());
        List<?> after = (List<?>) json(get("/api/v2/samples/state?ids=" + ids + "&api_key=" + KEY, null)).get("data");

        assertEquals(1, before.size());
        assertEquals(sample.stateAt(START.plus(Duration.ofMinutes(1))), ((Map<?, ?>) before.get(0)).get("state"));
        assertEquals(Map.of("sample", sample.id(), "state", sample.finalState(),
                "status", sample.finalState().equals("succ") ? "job_done" : "job_failed"), after.get(0));
        assertEquals(400, get("/api/v2/samples/state?ids=notjson&api_key=" + KEY, null).statusCode());
    }

    @Test
    void servesStableArtifactsOnlyForSucceededSamplesMatchingTheGroundTruth() throws Exception {
        clock.advance(Duration.ofHours(1));
        GroundTruth truth = simulator.groundTruth();
        SimulatedSample succeeded = truth.samples().stream().filter(s -> s.finalState().equals("succ"))
                .filter(s -> s.hasPcap() && s.hasVideo()).findFirst().orElseThrow();
        String base = "/api/v2/samples/" + succeeded.id() + "/";

        for (String name : ArtifactFactory.NAMES) {
            byte[] once = get(base + name + "?api_key=" + KEY, null).body();
            byte[] twice = get(base + name, "bearer " + KEY).body();
            assertArrayEquals(once, twice, name);
            assertEquals(truth.artifactSha256(succeeded.id(), name).orElseThrow(),
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(once)), name);
        }
        byte[] pcap = get(base + "network.pcap?api_key=" + KEY, null).body();
        assertArrayEquals(new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1}, slice(pcap, 0, 4));
        byte[] webm = get(base + "video.webm?api_key=" + KEY, null).body();
        assertArrayEquals(new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3}, slice(webm, 0, 4));
        assertTrue(new String(webm, StandardCharsets.US_ASCII).contains("webm"));
        Map<?, ?> analysis = json(get(base + "analysis.json?api_key=" + KEY, null));
        assertTrue(analysis.keySet().containsAll(Set.of("metadata", "status", "threat", "iocs", "network", "domains",
                "artifacts", "processes", "warnings", "version")), analysis.keySet().toString());
        assertEquals(succeeded.analysis().domains(), List.copyOf(((Map<?, ?>) analysis.get("domains")).keySet()));

        SimulatedSample failed = truth.samples().stream().filter(s -> s.finalState().equals("fail")).findFirst()
                .orElseThrow();
        assertEquals(404, get("/api/v2/samples/" + failed.id() + "/analysis.json?api_key=" + KEY, null)
                .statusCode());
    }

    @Test
    void theSameSeedMakesTheSameOrganization() {
        clock.advance(Duration.ofMinutes(10));
        try (ThreatGridSimulator twin = new ThreatGridSimulator(SimulatorConfig.defaults(KEY).withMaxSamples(30),
                new TestClock(START))) {
            assertEquals(simulator.groundTruth().samples().subList(0, 10),
                    twin.groundTruth().samples().subList(0, 10));
        }
    }

    @Test
    void stopsSubmittingWhenAskedOrAtTheMaximum() {
        simulator.stopSubmissions();
        int atStop = simulator.groundTruth().samples().size();
        clock.advance(Duration.ofHours(2));
        assertEquals(atStop, simulator.groundTruth().samples().size());

        try (ThreatGridSimulator capped = new ThreatGridSimulator(SimulatorConfig.defaults(KEY).withMaxSamples(15),
                clock)) {
            clock.advance(Duration.ofHours(2));
            assertEquals(15, capped.groundTruth().samples().size());
        }
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        return java.util.Arrays.copyOfRange(bytes, from, to);
    }
}
