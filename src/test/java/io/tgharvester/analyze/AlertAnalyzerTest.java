package io.tgharvester.analyze;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tgharvester.TestClock;
import io.tgharvester.config.HarvesterConfig.AlertRule;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class AlertAnalyzerTest {
    private static final String HOOK = "/hooks/T000/SECRET-hook-token";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path dataDir;

    private final TestClock clock = new TestClock(Instant.parse("2026-11-20T12:00:00Z"));

    private AlertAnalyzer alert(int minScore, boolean webhook) {
        return alert(minScore, webhook, Duration.ofSeconds(10));
    }

    private AlertAnalyzer alert(int minScore, boolean webhook, Duration timeout) {
        return new AlertAnalyzer(new AlertRule(minScore,
                webhook ? Optional.of(URI.create("http://127.0.0.1:" + wm.getPort() + HOOK)) : Optional.empty(),
                timeout), dataDir, clock);
    }

    private static AnalyzedSample scored(int n, Optional<Integer> threatScore, int attempt) {
        SampleRow row = new SampleRow("%032x".formatted(n), "succ", Optional.of("job_done"),
                Optional.of("invoice \"Q3\".pdf.exe\nsecond line"), Optional.of("alice.soc"), Optional.of(42L),
                Optional.of(Instant.parse("2026-11-20T11:00:00Z")), Optional.of(Instant.parse("2026-11-20T11:04:00Z")),
                Optional.of("ab".repeat(32)), Optional.empty(), Optional.empty(), List.of("finance", "q3"),
                Optional.of("win10"), Optional.empty(), "eu");
        return new AnalyzedSample(row, Optional.of(new AnalysisScores(threatScore, Optional.of(70), Optional.of(95))),
                Map.of(), attempt);
    }

    private List<String> lines() throws IOException {
        Path file = dataDir.resolve("alerts.jsonl");
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    @Test
    void aSampleAtOrAboveTheMinimumGetsOneJsonLineAndOneBelowOrUnscoredNone() throws Exception {
        try (AlertAnalyzer alert = alert(90, false)) {
            assertEquals(AnalyzerResult.none(), alert.analyze(scored(1, Optional.of(89), 1)));
            assertEquals(AnalyzerResult.none(), alert.analyze(scored(2, Optional.empty(), 1)));
            AnalyzerResult result = alert.analyze(scored(3, Optional.of(90), 1));

            assertEquals(List.of("alert"), result.tags());
            assertEquals(List.of(Map.of("threat_score", "90", "min_threat_score", "90")), result.rows());
            assertEquals(List.of("{\"sample_id\":\"" + "%032x".formatted(3) + "\",\"threat_score\":90,"
                    + "\"min_threat_score\":90,\"heuristic_score\":70,\"max_severity\":95,\"connection\":\"eu\","
                    + "\"login\":\"alice.soc\","
                    + "\"filename\":\"invoice \\\"Q3\\\".pdf.exe\\nsecond line\",\"sha256\":\"" + "ab".repeat(32)
                    + "\",\"submitted_at\":\"2026-11-20T11:00:00Z\",\"finished_at\":\"2026-11-20T11:04:00Z\","
                    + "\"tags\":[\"finance\",\"q3\"],\"alerted_at\":\"2026-11-20T12:00:00Z\"}"), lines());
        }
    }

    @Test
    void aRetryOfASampleAlreadyInTheFileAppendsNoSecondLine() throws Exception {
        try (AlertAnalyzer alert = alert(50, false)) {
            alert.analyze(scored(1, Optional.of(60), 1));
            alert.analyze(scored(2, Optional.of(70), 1));
            clock.advance(Duration.ofMinutes(5));
            alert.analyze(scored(1, Optional.of(60), 2));
            alert.analyze(scored(3, Optional.of(80), 2));

            List<String> lines = lines();
            assertEquals(3, lines.size(), String.join("\n", lines));
            assertTrue(lines.get(0).contains("\"alerted_at\":\"2026-11-20T12:00:00Z\""), "the first line stays");
            assertTrue(lines.get(2).startsWith("{\"sample_id\":\"" + "%032x".formatted(3)),
                    "a retry of a sample not yet in the file writes it");
        }
    }

    @Test
    void aLineCutShortByACrashStaysOnItsOwnLineAndTheRetryWritesAWholeOne() throws Exception {
        String id = "%032x".formatted(1);
        Files.writeString(dataDir.resolve("alerts.jsonl"), "{\"sample_id\":\"" + id + "\",\"threat_sc");
        try (AlertAnalyzer alert = alert(50, false)) {
            alert.analyze(scored(1, Optional.of(60), 2));
        }
        List<String> lines = lines();
        assertEquals(2, lines.size());
        assertEquals("{\"sample_id\":\"" + id + "\",\"threat_sc", lines.get(0));
        assertTrue(lines.get(1).startsWith("{\"sample_id\":\"" + id + "\",\"threat_score\":60") && lines.get(1)
                .endsWith("}"), lines.get(1));
    }

    @Test
    void theWebhookGetsTheLineAndAFailedPostIsRetriedWithTheSameLineNeverWrittenTwice() throws Exception {
        wm.stubFor(post(urlPathEqualTo(HOOK)).willReturn(aResponse().withStatus(500)));
        try (AlertAnalyzer alert = alert(50, true)) {
            IOException failed = assertThrows(IOException.class, () -> alert.analyze(scored(1, Optional.of(75), 1)));
            assertEquals("webhook http://127.0.0.1:" + wm.getPort() + " answered HTTP 500", failed.getMessage());
            assertFalse(failed.getMessage().contains("SECRET"), "the hook's path stays out of errors");

            wm.stubFor(post(urlPathEqualTo(HOOK)).willReturn(aResponse().withStatus(204)));
            clock.advance(Duration.ofMinutes(1));
            AnalyzerResult retried = alert.analyze(scored(1, Optional.of(75), 2));
            assertEquals("http://127.0.0.1:" + wm.getPort(), retried.rows().get(0).get("webhook"));
        }
        List<String> lines = lines();
        assertEquals(1, lines.size());
        List<LoggedRequest> posts = wm.findAll(postRequestedFor(urlPathEqualTo(HOOK))
                .withHeader("Content-Type", matching("application/json(; charset=(?i)utf-8)?")));
        assertEquals(2, posts.size());
        for (LoggedRequest request : posts) {
            assertEquals(lines.get(0), request.getBodyAsString(), "each POST carries the line of the file");
        }
    }

    @Test
    void aWebhookThatDoesNotAnswerWithinItsTimeoutFails() {
        wm.stubFor(post(urlPathEqualTo(HOOK)).willReturn(aResponse().withStatus(200).withFixedDelay(3000)));
        try (AlertAnalyzer alert = alert(50, true, Duration.ofMillis(500))) {
            long start = System.nanoTime();
            IOException failed = assertThrows(IOException.class, () -> alert.analyze(scored(1, Optional.of(75), 1)));
            assertTrue(failed.getMessage().startsWith("webhook http://127.0.0.1:" + wm.getPort() + " did not answer"),
                    failed.getMessage());
            assertTrue(System.nanoTime() - start < Duration.ofMillis(2500).toNanos(), "gave up at its timeout");
        }
    }
}
