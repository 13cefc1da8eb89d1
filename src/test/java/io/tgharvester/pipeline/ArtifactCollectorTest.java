package io.tgharvester.pipeline;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.tgharvester.TestApi;
import io.tgharvester.TestClock;
import io.tgharvester.TgJson;
import io.tgharvester.api.ApiUnavailable;
import io.tgharvester.api.RateLimited;
import io.tgharvester.api.AuthenticationFailed;
import io.tgharvester.api.Sample;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.artifacts.ArtifactFiles;
import io.tgharvester.config.ConfigLoader;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.store.ArtifactStore;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import io.tgharvester.store.SampleStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ArtifactCollectorTest {
    private static final HarvesterConfig SHIPPED = new ConfigLoader(Map.of(), Optional.empty())
            .load(Optional.empty(), Map.of("tg.api-key", "shipped-defaults"));
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final String ID = TgJson.id(42);
    private static final String BASE = "/api/v2/samples/" + ID + "/";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path dataDir;
    private Database db;
    private final TestClock clock = new TestClock(T0);

    @BeforeEach
    void succeededSample() {
        db = Database.open(dataDir);
        new SampleStore(db, SampleFetcherTest.FOUR).storePage(List.of(new Sample(ID, "succ", Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(T0),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())), T0);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private ArtifactCollector collector() {
        return collector(1);
    }

    private ArtifactCollector collector(int concurrency) {
        return collector(wm.baseUrl(), concurrency);
    }

    /** The retry delays of conf/harvester.properties (download.retry-base, doubling up to download.retry-max). */
    private ArtifactCollector collector(String baseUrl, int concurrency) {
        ThreatGridClient client = TestApi.client(baseUrl);
        return new ArtifactCollector(client, new ArtifactStore(db), new ArtifactFiles(dataDir), clock,
                new RetryDelay(SHIPPED.retryBase(), SHIPPED.retryMax(), new Random(1)), concurrency);
    }

    private static byte[] body(String name) {
        return ("contents of " + name + " ").repeat(5000).getBytes(StandardCharsets.UTF_8);
    }

    private void stubAll() {
        for (String name : SampleFetcherTest.FOUR) {
            wm.stubFor(get(BASE + name).willReturn(aResponse().withBody(body(name))));
        }
    }

    private List<List<Object>> rows(String sql) {
        return new Queries(db).userQuery(sql).rows();
    }

    private List<Path> filesOnDisk() throws Exception {
        try (Stream<Path> files = Files.walk(dataDir.resolve("artifacts"))) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void downloadsAllFourArtifactsWhenSampleSucceeds() throws Exception {
        stubAll();

        collector().run();

        for (String name : SampleFetcherTest.FOUR) {
            Path file = dataDir.resolve("artifacts").resolve(ID).resolve(name);
            assertArrayEquals(body(name), Files.readAllBytes(file));
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body(name)));
            assertEquals(List.of(List.of("done", (long) body(name).length, sha, "artifacts/" + ID + "/" + name, 1)),
                    rows("SELECT status, bytes, sha256, path, attempts FROM artifacts WHERE name = '" + name + "'"));
        }
        assertEquals(4, filesOnDisk().size(), "no temporary file is left");
    }

    @Test
    void aMissingArtifactIsRecordedAbsentAndNotRetried() {
        stubAll();
        wm.stubFor(get(BASE + "video.webm").willReturn(aResponse().withStatus(404)
                .withBody(TgJson.error(404, "no video"))));

        collector().run();
        clock.advance(Duration.ofDays(1));
        collector().run();

        assertEquals(List.of(List.of("absent", 1)),
                rows("SELECT status, attempts FROM artifacts WHERE name = 'video.webm'"));
        assertFalse(Files.exists(dataDir.resolve("artifacts").resolve(ID).resolve("video.webm")));
    }

    @Test
    void aCutDownloadLeavesNoFileAndIsRetriedAfterTheBackoff() throws Exception {
        stubAll();
        wm.stubFor(get(BASE + "network.pcap").willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));

        collector().run();

        assertEquals("failed", rows("SELECT status FROM artifacts WHERE name = 'network.pcap'").get(0).get(0));
        assertEquals(3, filesOnDisk().size(), "only the three complete artifacts are on disk");
        assertTrue(filesOnDisk().stream().noneMatch(p -> p.getFileName().toString().contains("pcap")));

        stubAll();
        clock.advance(SHIPPED.retryBase().minusMillis(1));
        collector().run();
        assertEquals("failed", rows("SELECT status FROM artifacts WHERE name = 'network.pcap'").get(0).get(0),
                "not retried before its retry time");

        clock.advance(SHIPPED.retryBase().plusMillis(1));
        collector().run();
        assertEquals(List.of(List.of("done", 2)),
                rows("SELECT status, attempts FROM artifacts WHERE name = 'network.pcap'"));
        assertArrayEquals(body("network.pcap"),
                Files.readAllBytes(dataDir.resolve("artifacts").resolve(ID).resolve("network.pcap")));
    }

    @Test
    void anErrorEnvelopeServedAsAnArtifactIsAFailedDownloadRetriedLaterNeverAStoredFile() throws Exception {
        stubAll();
        wm.stubFor(get(BASE + "analysis.json").willReturn(aResponse().withStatus(200)
                .withBody(TgJson.error(404, "Record not found"))));
        wm.stubFor(get(BASE + "network.pcap").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(TgJson.error(400, "Artifact not ready"))));

        collector().run();

        assertEquals(List.of(List.of("analysis.json", "failed", 1,
                        "Threat Grid rejected /api/v2/samples/" + ID + "/analysis.json (HTTP 200 with error 404):"
                                + " Record not found"),
                        List.of("network.pcap", "failed", 1, "Threat Grid rejected /api/v2/samples/" + ID
                                + "/network.pcap (HTTP 200 with error 400): Artifact not ready")),
                rows("SELECT name, status, attempts, last_error FROM artifacts WHERE status <> 'done' ORDER BY name"));
        assertEquals(2, filesOnDisk().size(), "neither the envelopes nor a .part file are on disk");
        assertFalse(Files.exists(dataDir.resolve("artifacts").resolve(ID).resolve("analysis.json")));

        stubAll();
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        collector().run();
        assertArrayEquals(body("analysis.json"),
                Files.readAllBytes(dataDir.resolve("artifacts").resolve(ID).resolve("analysis.json")));
        assertEquals(List.of(List.of(4L)), rows("SELECT COUNT(*) FROM artifacts WHERE status = 'done'"));
    }

    @Test
    void anOutageReportedIn200FailsThatArtifactAndStoresNothingForIt() {
        stubAll();
        wm.stubFor(get(BASE + "processes.json").willReturn(aResponse().withStatus(200)
                .withBody(TgJson.error(503, "maintenance"))));

        collector().run();

        assertEquals(List.of(List.of("failed")), rows("SELECT status FROM artifacts WHERE name = 'processes.json'"),
                "retried soon, as the server answers the other calls");
        assertEquals(List.of(List.of(3L)), rows("SELECT COUNT(*) FROM artifacts WHERE status = 'done'"));
        Path sampleDir = dataDir.resolve("artifacts").resolve(ID);
        assertFalse(Files.exists(sampleDir.resolve("processes.json"))
                || Files.exists(sampleDir.resolve(".processes.json.part")));
    }

    @Test
    void aRefusedKeyStopsTheRoundWithoutMarkingArtifactsFailed() {
        for (String name : SampleFetcherTest.FOUR) {
            wm.stubFor(get(BASE + name).willReturn(aResponse().withStatus(401)));
        }

        assertThrows(AuthenticationFailed.class, () -> collector().run());

        assertEquals(List.of(List.of(4L)), rows("SELECT COUNT(*) FROM artifacts WHERE status = 'pending'"));
    }

    @Test
    void severalAtATimeEachArtifactIsStoredWholeWithItsOwnHash() throws Exception {
        List<String> ids = new ArrayList<>(List.of(ID));
        for (int n = 43; n < 48; n++) {
            ids.add(TgJson.id(n));
        }
        storeSucceeded(ids.subList(1, ids.size()));
        for (String id : ids) {
            for (String name : SampleFetcherTest.FOUR) {
                wm.stubFor(get("/api/v2/samples/" + id + "/" + name).willReturn(aResponse()
                        .withBody(body(id + name)).withFixedDelay(50)));
            }
        }

        collector(4).run();

        for (String id : ids) {
            for (String name : SampleFetcherTest.FOUR) {
                assertArrayEquals(body(id + name),
                        Files.readAllBytes(dataDir.resolve("artifacts").resolve(id).resolve(name)));
                String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body(id + name)));
                assertEquals(List.of(List.of("done", sha)), rows("SELECT status, sha256 FROM artifacts"
                        + " WHERE sample_id = '" + id + "' AND name = '" + name + "'"));
            }
        }
        assertEquals(24, filesOnDisk().size(), "no temporary file is left");
    }

    @Test
    void aServerErrorThatOutlastsItsRetriesFailsOnlyThatArtifactWhileTheServerAnswersTheRest() {
        stubAll();
        wm.stubFor(get(BASE + "processes.json").willReturn(aResponse().withStatus(503)));

        collector(3).run();

        assertEquals(List.of(List.of("processes.json")), rows("SELECT name FROM artifacts WHERE status = 'failed'"));
        assertEquals(List.of(List.of(3L)), rows("SELECT COUNT(*) FROM artifacts WHERE status = 'done'"));
        assertEquals(TestApi.PACKAGED_RETRIES.attempts(),
                wm.findAll(getRequestedFor(urlPathEqualTo(BASE + "processes.json"))).size());
    }

    @Test
    void aRetryAfterACallWaitsOutThatOutlastsItsAttemptsFailsThatArtifactAloneAndTheRoundGoesOn() {
        stubAll();
        wm.stubFor(get(BASE + "processes.json").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")));

        collector(1).run();

        assertEquals(List.of(List.of("processes.json")), rows("SELECT name FROM artifacts WHERE status = 'failed'"));
        assertEquals(List.of(List.of(3L)), rows("SELECT COUNT(*) FROM artifacts WHERE status = 'done'"));
    }

    @Test
    void aRetryAfterLongerThanACallWaitsOutEndsTheRoundForTheSchedulesPause() {
        stubAll();
        wm.stubFor(get(BASE + "analysis.json").willReturn(aResponse().withStatus(429).withHeader("Retry-After",
                "600")));

        RateLimited limited = assertThrows(RateLimited.class, () -> collector(1).run());

        assertEquals(Optional.of(Duration.ofSeconds(600)), limited.retryAfter());
        assertEquals(List.of(), rows("SELECT name FROM artifacts WHERE status = 'failed'"), "no artifact's fault");
    }

    @Test
    void aDownloadWaitingOutARetryGivesItsSlotToAnother() {
        stubAll();
        // analysis.json comes first in the queue and is told to come back in a second
        wm.stubFor(get(BASE + "analysis.json").inScenario("busy").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("free"));
        wm.stubFor(get(BASE + "analysis.json").inScenario("busy").whenScenarioStateIs("free")
                .willReturn(aResponse().withBody(body("analysis.json"))));

        collector(1).run(); // one transfer at a time

        assertEquals(List.of(List.of(4L)), rows("SELECT COUNT(*) FROM artifacts WHERE status = 'done'"));
        List<String> order = wm.getAllServeEvents().stream()
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .map(e -> e.getRequest().getUrl().substring(BASE.length())).toList();
        assertEquals("analysis.json", order.get(order.size() - 1),
                "the others were downloaded while analysis.json waited: " + order);
    }

    @Test
    void aServerThatLooksDownEndsTheRoundAndLeavesTheRestDue() {
        List<String> ids = new ArrayList<>();
        for (int n = 50; n < 56; n++) {
            ids.add(TgJson.id(n));
        }
        storeSucceeded(ids);
        wm.stubFor(get(urlPathMatching("/api/v2/samples/.*")).willReturn(aResponse().withStatus(503)));

        assertThrows(ApiUnavailable.class, () -> collector(2).run());

        long pending = (Long) rows("SELECT COUNT(*) FROM artifacts WHERE status = 'pending'").get(0).get(0);
        assertTrue(pending >= 20, "the round ended once the server looked down; still due: " + pending);
    }

    private void storeSucceeded(List<String> ids) {
        new SampleStore(db, SampleFetcherTest.FOUR).storePage(ids.stream()
                .map(id -> new Sample(id, "succ", Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.of(T0), Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty())).toList(), T0);
    }

    private static final String PCAP = "network.pcap";

    private static byte[] capture() {
        byte[] bytes = new byte[1_000_000];
        new Random(7).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private Path pcapFile() {
        return dataDir.resolve("artifacts").resolve(ID).resolve(PCAP);
    }

    private void assertStoredWhole(byte[] artifact) throws Exception {
        assertEquals(List.of(List.of("done", (long) artifact.length, sha256(artifact), 1)),
                rows("SELECT status, bytes, sha256, attempts FROM artifacts WHERE name = '" + PCAP + "'"));
        assertArrayEquals(artifact, Files.readAllBytes(pcapFile()));
        assertFalse(Files.exists(pcapFile().resolveSibling("." + PCAP + ".part")));
    }

    @Test
    void aCutStreamResumesWithOneRangeRequestFromTheBytesHeldAndStoresTheWholeFile() throws Exception {
        byte[] artifact = capture();
        try (BreakingArtifactServer server = new BreakingArtifactServer(ID, PCAP, artifact,
                BreakingArtifactServer.cutAfter(300_000), BreakingArtifactServer.rest())) {
            collector(server.baseUrl(), 1).run();

            assertEquals(List.of(Optional.empty(), Optional.of("bytes=300000-")), server.ranges());
        }
        assertStoredWhole(artifact);
    }

    @Test
    void aJsonArtifactCutWhileItIsCheckedForAnErrorEnvelopeResumesFromTheBytesThatCame() throws Exception {
        byte[] analysis = ("{\"metadata\": {\"note\": \"" + "x".repeat(3_000) + "\"}}").getBytes(StandardCharsets.UTF_8);
        try (BreakingArtifactServer server = new BreakingArtifactServer(ID, "analysis.json", analysis,
                BreakingArtifactServer.cutAfter(1_000), BreakingArtifactServer.rest())) {
            collector(server.baseUrl(), 1).run();

            assertEquals(List.of(Optional.empty(), Optional.of("bytes=1000-")), server.ranges());
        }
        assertEquals(List.of(List.of("done", (long) analysis.length, sha256(analysis))),
                rows("SELECT status, bytes, sha256 FROM artifacts WHERE name = 'analysis.json'"));
        assertArrayEquals(analysis, Files.readAllBytes(dataDir.resolve("artifacts").resolve(ID).resolve("analysis.json")));
    }

    @Test
    void aServerThatIgnoresTheRangeSendsTheWholeFileAndTheDownloadStartsOverWithIt() throws Exception {
        byte[] artifact = capture();
        try (BreakingArtifactServer server = new BreakingArtifactServer(ID, PCAP, artifact,
                BreakingArtifactServer.cutAfter(300_000), BreakingArtifactServer.whole())) {
            collector(server.baseUrl(), 1).run();

            assertEquals(List.of(Optional.empty(), Optional.of("bytes=300000-")), server.ranges());
        }
        assertStoredWhole(artifact);
    }

    @Test
    void aRangeStartingElsewhereThanAskedIsDroppedAndTheArtifactAskedForAgainFromItsStart() throws Exception {
        byte[] artifact = capture();
        try (BreakingArtifactServer server = new BreakingArtifactServer(ID, PCAP, artifact,
                BreakingArtifactServer.cutAfter(300_000), BreakingArtifactServer.range(200_000, artifact.length),
                BreakingArtifactServer.whole())) {
            collector(server.baseUrl(), 1).run();

            assertEquals(List.of(Optional.empty(), Optional.of("bytes=300000-"), Optional.empty()), server.ranges());
        }
        assertStoredWhole(artifact);
    }

    @Test
    void aRangeOfAnotherTotalLengthIsDroppedAndTheArtifactAskedForAgainFromItsStart() throws Exception {
        byte[] artifact = capture();
        try (BreakingArtifactServer server = new BreakingArtifactServer(ID, PCAP, artifact,
                BreakingArtifactServer.cutAfter(300_000), BreakingArtifactServer.range(300_000, artifact.length + 1),
                BreakingArtifactServer.whole())) {
            collector(server.baseUrl(), 1).run();

            assertEquals(List.of(Optional.empty(), Optional.of("bytes=300000-"), Optional.empty()), server.ranges());
        }
        assertStoredWhole(artifact);
    }

    @Test
    void aStreamCutOnEveryResumeFailsWithinSecondsThenWaitsLongerEachTimeItFailsAgain() throws Exception {
        byte[] artifact = capture();
        try (BreakingArtifactServer server = new BreakingArtifactServer(ID, PCAP, artifact,
                BreakingArtifactServer.cutAfter(1000), BreakingArtifactServer.restCutAfter(1000))) {
            collector(server.baseUrl(), 1).run();

            assertEquals(List.of(Optional.empty(), Optional.of("bytes=1000-"), Optional.of("bytes=2000-"),
                    Optional.of("bytes=3000-")), server.ranges(), "three resumes, then the attempt fails");
            List<Object> row = rows("SELECT status, attempts, last_error, next_attempt_at FROM artifacts"
                    + " WHERE name = '" + PCAP + "'").get(0);
            assertEquals(List.of("failed", 1), row.subList(0, 2));
            assertTrue(row.get(2).toString().startsWith("gave up after 3 resumes: "), row.get(2).toString());
            Duration firstWait = Duration.between(T0, nextAttempt());
            Duration base = SHIPPED.retryBase();
            assertTrue(firstWait.compareTo(base) >= 0 && firstWait.compareTo(base.multipliedBy(2)) < 0,
                    "retried one to two retry-base later: " + firstWait);
            assertFalse(Files.exists(pcapFile()));
            assertTrue(filesOnDisk().isEmpty(), "no .part is left: " + filesOnDisk());

            clock.set(nextAttempt());
            collector(server.baseUrl(), 1).run();

            assertEquals(8, server.ranges().size());
            assertEquals(List.of(List.of("failed", 2)),
                    rows("SELECT status, attempts FROM artifacts WHERE name = '" + PCAP + "'"));
            Duration secondWait = Duration.between(clock.instant(), nextAttempt());
            assertTrue(secondWait.compareTo(base.multipliedBy(2)) >= 0
                    && secondWait.compareTo(base.multipliedBy(4)) < 0, "doubled: " + secondWait);
            assertTrue(filesOnDisk().isEmpty(), "no .part is left: " + filesOnDisk());
        }
    }

    private Instant nextAttempt() {
        return new ArtifactStore(db).nextRetryAt().orElseThrow();
    }

    @Test
    void aStopDuringAResumedTransferCutsItOffResumesNothingMoreAndLeavesNoFile() throws Exception {
        byte[] artifact = capture();
        try (BreakingArtifactServer server = new BreakingArtifactServer(ID, PCAP, artifact,
                BreakingArtifactServer.cutAfter(300_000), BreakingArtifactServer.restThenStall(100_000))) {
            ArtifactCollector collector = collector(server.baseUrl(), 1);
            CompletableFuture<Integer> round = CompletableFuture.supplyAsync(collector::run);
            Instant deadline = Instant.now().plusSeconds(10);
            while (server.ranges().size() < 2) {
                assertTrue(Instant.now().isBefore(deadline), "no resume was asked for");
                Thread.sleep(10);
            }
            Thread.sleep(200);
            Instant stopAsked = Instant.now();
            collector.stop();

            round.get(10, TimeUnit.SECONDS);
            assertTrue(Duration.between(stopAsked, Instant.now()).toMillis() < 1500,
                    "the stalled transfer was cut off, not waited for");
            assertEquals(2, server.ranges().size(), "nothing resumed after the stop");
        }
        assertEquals(List.of(List.of("pending", 0)),
                rows("SELECT status, attempts FROM artifacts WHERE name = '" + PCAP + "'"),
                "a stopped download is no failure");
        assertFalse(Files.exists(pcapFile()));
        assertTrue(filesOnDisk().isEmpty(), "no .part is left: " + filesOnDisk());
    }

    /**
     * On the wall clock (the round's own time decides what is due again): analysis.json fails all its call's attempts
     * once, and video.webm takes two seconds, longer than the failed artifact's first retry delay (0.25-0.5 s).
     */
    @Test
    void anArtifactThatFailedIsTriedAgainInTheSameRoundOnceItsRetryIsDueWhileOthersStillDownload() {
        wm.stubFor(get(BASE + "analysis.json").inScenario("down").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("down twice"));
        wm.stubFor(get(BASE + "analysis.json").inScenario("down").whenScenarioStateIs("down twice")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("down thrice"));
        wm.stubFor(get(BASE + "analysis.json").inScenario("down").whenScenarioStateIs("down thrice")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        wm.stubFor(get(BASE + "analysis.json").inScenario("down").whenScenarioStateIs("up")
                .willReturn(aResponse().withBody(body("analysis.json"))));
        wm.stubFor(get(BASE + "processes.json").willReturn(aResponse().withBody(body("processes.json"))));
        wm.stubFor(get(BASE + "network.pcap").willReturn(aResponse().withBody(body("network.pcap"))));
        wm.stubFor(get(BASE + "video.webm").willReturn(aResponse().withBody(body("video.webm"))
                .withChunkedDribbleDelay(20, 2000)));

        new ArtifactCollector(TestApi.client(wm.baseUrl()), new ArtifactStore(db), new ArtifactFiles(dataDir),
                Clock.systemUTC(), new RetryDelay(SHIPPED.retryBase(), SHIPPED.retryMax(), new Random(1)), 4).run();

        assertEquals(List.of(List.of("analysis.json", "done", 2)), rows(
                "SELECT name, status, attempts FROM artifacts WHERE name = 'analysis.json'"));
        assertEquals(4, wm.findAll(getRequestedFor(urlPathEqualTo(BASE + "analysis.json"))).size());
    }
}
