package io.tgharvester.api;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tgharvester.TestApi;
import io.tgharvester.TgJson;
import io.tgharvester.config.ApiKey;
import io.tgharvester.config.ConfigLoader;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.config.HarvesterConfig.AuthMode;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ThreatGridClientTest {
    private static final String KEY = "k3y-ThreatGrid-0123456789";
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    private ThreatGridClient client(AuthMode mode) {
        return ThreatGridClient.connect(URI.create(wm.baseUrl()), new ApiKey(KEY), mode, Optional.empty(),
                Duration.ofSeconds(2), TestApi.PACKAGED_RETRIES);
    }

    @Test
    void listSendsOrgOnlyTrueAfterAndPagingAndParsesEveryField() {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.page(0, 2, List.of(
                TgJson.sample(TgJson.id(1), "succ", "\"alice\"", T0, T0.plusSeconds(300)),
                TgJson.sample(2, "run", null, T0.plusSeconds(5)))))));

        ListPage page = client(AuthMode.HEADER).listSamples(T0.plusMillis(1500), 2, 40);

        LoggedRequest request = wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples"))).get(0);
        assertEquals("True", request.queryParameter("org_only").firstValue());
        assertEquals("2026-11-20T10:00:01Z", request.queryParameter("after").firstValue());
        assertEquals("2", request.queryParameter("limit").firstValue());
        assertEquals("40", request.queryParameter("offset").firstValue());
        assertEquals("bearer " + KEY, request.getHeader("Authorization"));
        assertFalse(request.getUrl().contains(KEY), "header mode keeps the key out of the URL");

        assertEquals(2, page.itemCount());
        Sample first = page.samples().get(0);
        assertEquals(TgJson.id(1), first.id());
        assertEquals("succ", first.state());
        assertEquals(Optional.of("alice"), first.login());
        assertEquals(Optional.of(T0), first.submittedAt());
        assertEquals(Optional.of(T0.plusSeconds(300)), first.completedAt());
        assertEquals(Optional.of(4242L), first.organizationId());
        assertEquals(Optional.of(1001L), first.submissionId());
        assertEquals(List.of("phish", "q4"), first.tags());
        assertEquals(Optional.of(true), first.isPrivate());
        assertEquals(Optional.of("win10"), first.vm());
        assertEquals(Optional.empty(), page.samples().get(1).login(), "JSON null login reads as absent");
    }

    @Test
    void queryModeSendsTheKeyAsApiKeyParameter() {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.page(0, 10, List.of()))));

        client(AuthMode.QUERY).listSamples(T0, 10, 0);

        LoggedRequest request = wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples"))).get(0);
        assertEquals(KEY, request.queryParameter("api_key").firstValue());
        assertEquals("True", request.queryParameter("org_only").firstValue());
        assertEquals(null, request.getHeader("Authorization"));
    }

    @Test
    void autoModeFallsBackToTheQueryParameterWhenTheHeaderIsRefusedAndRemembersIt() {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).withQueryParam("api_key", absent())
                .willReturn(aResponse().withStatus(401).withBody(TgJson.error(401, "unauthorized"))));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).withQueryParam("api_key", equalTo(KEY))
                .willReturn(okJson(TgJson.page(0, 10, List.of()))));
        ThreatGridClient client = client(AuthMode.AUTO);

        client.listSamples(T0, 10, 0);
        client.listSamples(T0, 10, 0);

        assertEquals(3, wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples"))).size(),
                "one refused header call, then the parameter for both calls");
    }

    @Test
    void badItemsAreSkippedWithAReasonAndTheRestOfThePageIsKept() {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.page(0, 10, List.of(
                "{\"id\": \"../../etc/passwd\", \"state\": \"succ\"}",
                "{\"id\": \"" + TgJson.id(3) + "\"}",
                "42",
                TgJson.sample(4, "wait", "bob", T0),
                "{\"id\": \"" + TgJson.id(5) + "\", \"state\": \"wait\", \"submitted_at\": \"not a time\","
                        + " \"submission_id\": \"x\", \"tags\": null}")))));

        ListPage page = client(AuthMode.HEADER).listSamples(T0, 10, 0);

        assertEquals(5, page.itemCount());
        assertEquals(List.of(TgJson.id(4), TgJson.id(5)), page.samples().stream().map(Sample::id).toList());
        assertEquals(Optional.empty(), page.samples().get(1).submittedAt());
        assertEquals(3, page.skipped().size());
        assertTrue(page.skipped().get(0).reason().contains("sample id"));
        assertTrue(page.skipped().get(1).reason().contains("state"));
    }

    @Test
    void bulkStateSendsIdsAsAUrlEncodedJsonListAndReadsTheSampleField() {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(
                TgJson.states(List.of(TgJson.id(1), "succ", TgJson.id(2), "proc")))));

        StateAnswer answer = client(AuthMode.HEADER).states(List.of(TgJson.id(1), TgJson.id(2), TgJson.id(9)));

        LoggedRequest request = wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples/state"))).get(0);
        assertEquals(TgJson.ids(List.of(TgJson.id(1), TgJson.id(2), TgJson.id(9))),
                request.queryParameter("ids").firstValue());
        assertTrue(request.getUrl().contains("ids=%5B%22"), "the JSON list is URL-encoded: " + request.getUrl());
        assertEquals(List.of(new StateReport(TgJson.id(1), "succ", Optional.of("x")),
                new StateReport(TgJson.id(2), "proc", Optional.of("x"))), answer.reports());
    }

    @Test
    void unauthorizedAndForbiddenBecomeAuthenticationFailedWithoutTheKey() {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state"))
                .willReturn(aResponse().withStatus(403).withBody(TgJson.error(403, "forbidden"))));

        AuthenticationFailed e = assertThrows(AuthenticationFailed.class,
                () -> client(AuthMode.QUERY).states(List.of(TgJson.id(1))));

        assertTrue(e.getMessage().contains("HTTP 403"));
        assertFalse(e.getMessage().contains(KEY));
    }

    @Test
    void aKeyReplacedInTheKeyFileIsUsedFromTheNextCallOn(@TempDir Path dir) throws Exception {
        Path keyFile = Files.writeString(dir.resolve("tg.key"), "revoked-key\n");
        HarvesterConfig config = new ConfigLoader(Map.of(), Optional.empty()).load(Optional.empty(), Map.of(
                "tg.api-key-file", keyFile.toString(), "tg.base-url", wm.baseUrl(), "tg.auth", "header"));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(aResponse().withStatus(401)));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).withHeader("Authorization", equalTo("bearer fresh-key"))
                .willReturn(okJson(TgJson.page(0, 10, List.of()))));
        ThreatGridClient client = ThreatGridClient.connect(config);
        assertThrows(AuthenticationFailed.class, () -> client.listSamples(T0, 10, 0));

        Files.writeString(keyFile, "fresh-key\n");
        Files.setLastModifiedTime(keyFile, FileTime.from(Instant.now().plusSeconds(5)));

        assertEquals(0, client.listSamples(T0, 10, 0).itemCount());
    }

    @Test
    void tooManyRequestsCarriesRetryAfter() {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples"))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "42")
                        .withBody(TgJson.error(429, "slow down"))));

        RateLimited e = assertThrows(RateLimited.class, () -> client(AuthMode.HEADER).listSamples(T0, 10, 0));

        assertEquals(Optional.of(Duration.ofSeconds(42)), e.retryAfter());
    }

    @Test
    void serverErrorsAndResetConnectionsAreUnavailable() {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples"))
                .willReturn(aResponse().withStatus(503).withBody(TgJson.error(503, "maintenance"))));
        ApiUnavailable e = assertThrows(ApiUnavailable.class, () -> client(AuthMode.QUERY).listSamples(T0, 10, 0));
        assertTrue(e.getMessage().contains("HTTP 503") && e.getMessage().contains("maintenance"), e.getMessage());

        wm.stubFor(get(urlPathEqualTo("/api/v2/samples"))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        ApiUnavailable reset = assertThrows(ApiUnavailable.class,
                () -> client(AuthMode.QUERY).listSamples(T0, 10, 0));
        assertFalse(reset.getMessage().contains(KEY), reset.getMessage());
    }

    @Test
    void brokenJsonAndMissingDataAreMalformed() {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson("{\"api_version\": 2, \"data\": {\"it")));
        assertThrows(MalformedResponse.class, () -> client(AuthMode.HEADER).listSamples(T0, 10, 0));

        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson("{\"api_version\": 2, \"id\": 1}")));
        assertThrows(MalformedResponse.class, () -> client(AuthMode.HEADER).listSamples(T0, 10, 0));
    }

    @Test
    void anErrorShowsItsMessageAndEachDistinctMessageOfItsErrorsList() {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(aResponse().withStatus(400).withBody("""
                {"api_version": 2, "id": 9, "error": {"code": 400, "message": "Bad request",
                 "errors": [{"code": 400, "message": "Bad request"}, {"code": 400, "message": "ids: not a list"},
                            {"code": 400, "message": "ids: not a list"}]}}""")));

        RequestRejected e = assertThrows(RequestRejected.class,
                () -> client(AuthMode.HEADER).states(List.of(TgJson.id(1))));

        assertEquals("Threat Grid rejected /api/v2/samples/state (HTTP 400): Bad request; ids: not a list",
                e.getMessage());
    }

    @Test
    void aListAnswer200CarryingAnErrorIsThatErrorByItsOwnCodeNotAPage() {
        String withData = """
                {"api_version": 2, "id": 9, "data": {"index": 0, "items_per_page": 10, "current_item_count": 0,
                 "items": []}, "error": {"code": 503, "message": "search backend down", "errors": []}}""";
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(withData)));
        ApiUnavailable down = assertThrows(ApiUnavailable.class, () -> client(AuthMode.HEADER).listSamples(T0, 10, 0));
        assertTrue(down.getMessage().contains("HTTP 200 with error 503")
                && down.getMessage().contains("search backend down"), down.getMessage());

        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.error(401, "key expired"))));
        AuthenticationFailed refused = assertThrows(AuthenticationFailed.class,
                () -> client(AuthMode.HEADER).listSamples(T0, 10, 0));
        assertTrue(refused.getMessage().contains("(HTTP 200 with error 401 on /api/v2/samples)"), refused.getMessage());

        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.error(429, "slow down"))
                .withHeader("Retry-After", "30")));
        RateLimited limited = assertThrows(RateLimited.class, () -> client(AuthMode.HEADER).listSamples(T0, 10, 0));
        assertEquals(Optional.of(Duration.ofSeconds(30)), limited.retryAfter());
    }

    @Test
    void aStateAnswer200CarryingAnErrorIsThatErrorAndOneWithoutAnHttpCodeIsMalformed() {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(TgJson.error(404, "no such ids"))));
        RequestRejected rejected = assertThrows(RequestRejected.class,
                () -> client(AuthMode.HEADER).states(List.of(TgJson.id(1))));
        assertTrue(rejected.getMessage().contains("(HTTP 200 with error 404): no such ids"), rejected.getMessage());

        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(
                "{\"api_version\": 2, \"id\": 9, \"data\": [], \"error\": {\"message\": \"internal\"}}")));
        MalformedResponse malformed = assertThrows(MalformedResponse.class,
                () -> client(AuthMode.HEADER).states(List.of(TgJson.id(1))));
        assertTrue(malformed.getMessage().contains("HTTP 200 with an error: internal"), malformed.getMessage());
    }

    @Test
    void anErrorEnvelopeServedAsAJsonArtifactOrLabelledJsonIsAnErrorNotTheArtifact() {
        String id = TgJson.id(7);
        wm.stubFor(get("/api/v2/samples/" + id + "/analysis.json")
                .willReturn(aResponse().withBody(TgJson.error(404, "Record not found"))));
        wm.stubFor(get("/api/v2/samples/" + id + "/network.pcap").willReturn(okJson(TgJson.error(410, "expired"))));
        wm.stubFor(get("/api/v2/samples/" + id + "/video.webm").willReturn(okJson(TgJson.error(502, "bad gateway"))));

        RequestRejected analysis = assertThrows(RequestRejected.class, () -> download(id, "analysis.json"));
        assertTrue(analysis.getMessage().contains("(HTTP 200 with error 404): Record not found"),
                analysis.getMessage());
        assertThrows(RequestRejected.class, () -> download(id, "network.pcap"));
        assertThrows(ApiUnavailable.class, () -> download(id, "video.webm"));
    }

    private String download(String id, String name) throws Exception {
        try (ArtifactStream stream = client(AuthMode.HEADER).openArtifact(id, name, 0).orElseThrow();
             InputStream body = stream.body()) {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void jsonArtifactsStreamWholeAfterTheEnvelopeCheckSmallOrLarge() throws Exception {
        String id = TgJson.id(7);
        String small = "{\"metadata\": {\"malware_desc\": []}, \"error\": {\"code\": 1}, \"iocs\": []}";
        String large = "{\"api_version\": 2, \"error\": {\"code\": 500}, \"padding\": \""
                + "x".repeat(200_000) + "\"}";
        wm.stubFor(get("/api/v2/samples/" + id + "/analysis.json").willReturn(okJson(small)));
        wm.stubFor(get("/api/v2/samples/" + id + "/processes.json").willReturn(okJson(large)));

        assertEquals(small, download(id, "analysis.json"), "no api_version beside its error");
        assertEquals(large, download(id, "processes.json"), "far longer than any error envelope");
    }

    @Test
    void artifactStreamsItsBodyAndA404IsAbsent() throws Exception {
        String id = TgJson.id(7);
        wm.stubFor(get("/api/v2/samples/" + id + "/network.pcap").willReturn(aResponse().withHeader("Content-Length", "3").withBody(new byte[] {1, 2, 3})));
        wm.stubFor(get("/api/v2/samples/" + id + "/video.webm")
                .willReturn(aResponse().withStatus(404).withBody(TgJson.error(404, "not found"))));

        try (ArtifactStream stream = client(AuthMode.HEADER).openArtifact(id, "network.pcap", 0).orElseThrow();
             InputStream body = stream.body()) {
            assertEquals(3, stream.declaredLength().orElseThrow());
            assertEquals(3, body.readAllBytes().length);
        }
        assertTrue(client(AuthMode.HEADER).openArtifact(id, "video.webm", 0).isEmpty());
    }

    @Test
    void anArtifactFromAnOffsetAsksForTheRestAndTellsTheRangeOfA206() throws Exception {
        String id = TgJson.id(8);
        String path = "/api/v2/samples/" + id + "/network.pcap";
        wm.stubFor(get(path).withHeader("Range", equalTo("bytes=3-")).willReturn(aResponse().withStatus(206)
                .withHeader("Content-Range", "bytes 3-5/6").withBody(new byte[] {4, 5, 6})));
        wm.stubFor(get(path).withHeader("Range", absent()).willReturn(aResponse().withBody(new byte[] {1, 2, 3, 4,
                5, 6})));

        try (ArtifactStream rest = client(AuthMode.HEADER).openArtifact(id, "network.pcap", 3).orElseThrow();
             ArtifactStream whole = client(AuthMode.HEADER).openArtifact(id, "network.pcap", 0).orElseThrow()) {
            assertEquals(Optional.of(new ContentRange(3, 5, OptionalLong.of(6))), rest.partial());
            assertEquals(3, rest.body().readAllBytes().length);
            assertEquals(Optional.empty(), whole.partial(), "from byte 0 no Range is sent, and a 200 is whole");
            assertEquals(6, whole.body().readAllBytes().length);
        }
    }

    @Test
    void a206WithoutAByteRangeIsMalformed() {
        String id = TgJson.id(8);
        wm.stubFor(get("/api/v2/samples/" + id + "/video.webm").willReturn(aResponse().withStatus(206)
                .withHeader("Content-Range", "bytes */6").withBody(new byte[3])));

        MalformedResponse e = assertThrows(MalformedResponse.class,
                () -> client(AuthMode.HEADER).openArtifact(id, "video.webm", 3));
        assertTrue(e.getMessage().contains("HTTP 206 without a byte range in Content-Range"), e.getMessage());
    }

    @Test
    void contentRangeReadsSatisfiedByteRangesOnly() {
        assertEquals(Optional.of(new ContentRange(0, 9, OptionalLong.of(10))), ContentRange.parse("bytes 0-9/10"));
        assertEquals(Optional.of(new ContentRange(5, 9, OptionalLong.empty())), ContentRange.parse("Bytes 5-9/*"));
        for (String notOne : new String[] {"bytes */10", "bytes 9-5/10", "bytes 0-10/10", "items 0-9/10", "", "x"}) {
            assertEquals(Optional.empty(), ContentRange.parse(notOne), notOne);
        }
        assertEquals(Optional.empty(), ContentRange.parse(null));
        assertTrue(new ContentRange(5, 9, OptionalLong.of(10)).continues(5, OptionalLong.of(10)));
        assertTrue(new ContentRange(5, 9, OptionalLong.empty()).continues(5, OptionalLong.of(10)));
        assertFalse(new ContentRange(4, 9, OptionalLong.of(10)).continues(5, OptionalLong.of(10)));
        assertFalse(new ContentRange(5, 9, OptionalLong.of(11)).continues(5, OptionalLong.of(10)));
    }
}
