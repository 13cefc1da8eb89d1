package io.tgharvester.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.tgharvester.TestApi;
import io.tgharvester.TgJson;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** Quick retries of one call, as the harvester configures them (harvester.retry.* packaged: 3 attempts, 250ms). */
class RetryInterceptorTest {
    private static final String KEY = "k3y-Retried-0123456789";
    private static final String LIST = "/api/v2/samples";
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    /** The key goes in the URL's query, so that a log line with the URL would show it. */
    private static ThreatGridClient client(String... settings) {
        Map<String, String> all = new HashMap<>(Map.of("tg.api-key", KEY, "tg.base-url", wm.baseUrl(),
                "tg.auth", "query"));
        for (int i = 0; i < settings.length; i += 2) {
            all.put(settings[i], settings[i + 1]);
        }
        return TestApi.configured(all);
    }

    private static void firstThen(String path, ResponseDefinitionBuilder first, ResponseDefinitionBuilder then) {
        wm.stubFor(get(urlPathEqualTo(path)).inScenario(path).whenScenarioStateIs(STARTED)
                .willReturn(first).willSetStateTo("answered once"));
        wm.stubFor(get(urlPathEqualTo(path)).inScenario(path).whenScenarioStateIs("answered once").willReturn(then));
    }

    private static int requests(String path) {
        return wm.findAll(getRequestedFor(urlPathEqualTo(path))).size();
    }

    private static ResponseDefinitionBuilder onePage() {
        return okJson(TgJson.page(0, 10, List.of(TgJson.sample(1, "succ", "alice", T0))));
    }

    @Test
    void aServiceUnavailableIsRetriedAndTheCallSucceedsWithTwoRequestsLoggingOnlyAtDebug() {
        firstThen(LIST, aResponse().withStatus(503).withBody(TgJson.error(503, "maintenance")), onePage());
        Logger harvester = (Logger) LoggerFactory.getLogger("io.tgharvester");
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        harvester.addAppender(events);
        Level level = harvester.getLevel();
        harvester.setLevel(Level.DEBUG);
        ThreatGridClient client = client();
        try {
            assertEquals(1, client.listSamples(T0, 10, 0).samples().size());
        } finally {
            harvester.detachAppender(events);
            harvester.setLevel(level);
        }

        assertEquals(2, requests(LIST));
        assertEquals(1, client.retries());
        assertEquals(List.of(), events.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                .map(ILoggingEvent::getFormattedMessage).toList(), "a call that succeeded on retry is no news");
        List<String> retries = events.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("event=call-retry")).toList();
        assertEquals(1, retries.size(), events.list.toString());
        assertTrue(retries.get(0).contains("endpoint=/api/v2/samples attempt=2 of=3")
                && retries.get(0).contains("HTTP 503"), retries.get(0));
        assertFalse(retries.get(0).contains(KEY) || retries.get(0).contains("api_key"), retries.get(0));
    }

    @Test
    void aResetConnectionIsRetried() {
        firstThen(LIST, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), onePage());
        ThreatGridClient client = client();

        assertEquals(1, client.listSamples(T0, 10, 0).samples().size());

        assertEquals(2, requests(LIST));
        assertEquals(1, client.retries());
    }

    @Test
    void anInternalServerErrorIsRetriedAsTheAwsSdksStandardModeDoes() {
        firstThen(LIST, aResponse().withStatus(500), onePage());

        assertEquals(1, client().listSamples(T0, 10, 0).samples().size());

        assertEquals(2, requests(LIST));
    }

    @Test
    void aConnectionClosedWithoutAnAnswerIsRetried() {
        firstThen(LIST, aResponse().withFault(Fault.EMPTY_RESPONSE), onePage());

        assertEquals(1, client().listSamples(T0, 10, 0).samples().size());

        assertEquals(2, requests(LIST));
    }

    @Test
    void aRetryAfterWithinTheCapIsWaitedOutExactly() {
        firstThen(LIST, aResponse().withStatus(429).withHeader("Retry-After", "1")
                .withBody(TgJson.error(429, "slow down")), onePage());
        ThreatGridClient client = client();

        long start = System.nanoTime();
        assertEquals(1, client.listSamples(T0, 10, 0).samples().size());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertTrue(took.compareTo(Duration.ofSeconds(1)) >= 0, "came back before Retry-After: " + took);
        assertEquals(2, requests(LIST));
    }

    @Test
    void aRetryAfterBeyondTheCapIsRateLimitedAtOnceForTheSchedulesPause() {
        wm.stubFor(get(urlPathEqualTo(LIST)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "600")
                .withBody(TgJson.error(429, "slow down"))));
        ThreatGridClient client = client();

        long start = System.nanoTime();
        RateLimited e = assertThrows(RateLimited.class, () -> client.listSamples(T0, 10, 0));

        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(2)) < 0);
        assertEquals(Optional.of(Duration.ofSeconds(600)), e.retryAfter());
        assertEquals(1, requests(LIST));
        assertEquals(0, client.retries());
    }

    @Test
    void aBadGatewayOnEveryAttemptIsUnavailableAfterExactlyThreeRequests() {
        wm.stubFor(get(urlPathEqualTo(LIST)).willReturn(aResponse().withStatus(502)
                .withBody(TgJson.error(502, "bad gateway"))));
        ThreatGridClient client = client();

        ApiUnavailable e = assertThrows(ApiUnavailable.class, () -> client.listSamples(T0, 10, 0));

        assertTrue(e.getMessage().contains("HTTP 502") && e.getMessage().contains("bad gateway"), e.getMessage());
        assertEquals(3, requests(LIST));
        assertEquals(2, client.retries());
    }

    @Test
    void oneAttemptConfiguredMeansNoRetry() {
        wm.stubFor(get(urlPathEqualTo(LIST)).willReturn(aResponse().withStatus(503)));
        ThreatGridClient client = client("harvester.retry.attempts", "1");

        assertThrows(ApiUnavailable.class, () -> client.listSamples(T0, 10, 0));

        assertEquals(1, requests(LIST));
    }

    @Test
    void aBadRequestARefusedKeyAndAnAbsentArtifactAreNeverRetried() {
        String state = "/api/v2/samples/state";
        String video = "/api/v2/samples/" + TgJson.id(7) + "/video.webm";
        wm.stubFor(get(urlPathEqualTo(state)).willReturn(aResponse().withStatus(400)
                .withBody(TgJson.error(400, "ids: not a list"))));
        wm.stubFor(get(urlPathEqualTo(LIST)).willReturn(aResponse().withStatus(401)));
        wm.stubFor(get(urlPathEqualTo(video)).willReturn(aResponse().withStatus(404)));
        ThreatGridClient client = client("tg.auth", "header");

        assertThrows(RequestRejected.class, () -> client.states(List.of(TgJson.id(1))));
        assertThrows(AuthenticationFailed.class, () -> client.listSamples(T0, 10, 0));
        assertEquals(Optional.empty(), client.openArtifact(TgJson.id(7), "video.webm", 0));

        assertEquals(List.of(1, 1, 1), List.of(requests(state), requests(LIST), requests(video)));
        assertEquals(0, client.retries());
    }

    @Test
    void anArtifactIsRetriedTheSameWayAndItsBodyStreamsWhole() throws Exception {
        String pcap = "/api/v2/samples/" + TgJson.id(7) + "/network.pcap";
        byte[] body = new byte[300_000];
        new Random(7).nextBytes(body);
        firstThen(pcap, aResponse().withStatus(503), aResponse().withBody(body));
        ThreatGridClient client = client();

        try (ArtifactStream stream = client.openArtifact(TgJson.id(7), "network.pcap", 0).orElseThrow();
             InputStream in = stream.body()) {
            assertArrayEquals(body, in.readAllBytes());
        }

        assertEquals(2, requests(pcap));
        assertEquals(1, client.retries());
    }

    @Test
    void aCallCancelledWhileItWaitsForItsRetryEndsAtOnceWithoutRetrying() throws Exception {
        wm.stubFor(get(urlPathEqualTo(LIST)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "4")));
        ThreatGridClient client = client();
        CompletableFuture<ListPage> call = CompletableFuture.supplyAsync(() -> client.listSamples(T0, 10, 0));
        awaitRequests(LIST, 1);
        Thread.sleep(200); // into the four seconds' wait

        long cancelled = System.nanoTime();
        client.cancelCalls();
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(2, TimeUnit.SECONDS));

        assertTrue(Duration.ofNanos(System.nanoTime() - cancelled).compareTo(Duration.ofSeconds(2)) < 0);
        assertInstanceOf(ApiUnavailable.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("cancelled"), e.getCause().getMessage());
        assertEquals(1, requests(LIST));
        assertEquals(0, client.retries());
    }

    @Test
    void anArtifactCallCancelledInFlightIsNotRetried() throws Exception {
        String pcap = "/api/v2/samples/" + TgJson.id(7) + "/network.pcap";
        wm.stubFor(get(urlPathEqualTo(pcap)).willReturn(aResponse().withStatus(503).withFixedDelay(3000)));
        ThreatGridClient client = client();
        CompletableFuture<Optional<ArtifactStream>> call =
                CompletableFuture.supplyAsync(() -> client.openArtifact(TgJson.id(7), "network.pcap", 0));
        awaitRequests(pcap, 1);

        client.cancelCalls();
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(2, TimeUnit.SECONDS));

        assertInstanceOf(ApiUnavailable.class, e.getCause());
        assertEquals(1, requests(pcap));
        assertEquals(0, client.retries());
    }

    private static void awaitRequests(String path, int count) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(5);
        while (requests(path) < count) {
            assertTrue(Instant.now().isBefore(deadline), "no request to " + path);
            Thread.sleep(10);
        }
    }
}
