package io.tgharvester.console;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.tgharvester.TestClock;
import io.tgharvester.TgJson;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.metrics.HarvestMetrics;
import io.tgharvester.metrics.PipelineMetrics;
import io.tgharvester.metrics.PrometheusText;
import io.tgharvester.pipeline.Harvester;
import io.tgharvester.report.ReportFixtures;
import io.tgharvester.store.Database;
import io.tgharvester.store.JobRunStore;
import io.tgharvester.store.Queries;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** /metrics parsed back and checked against the database and the calls made; /healthz 200 and 503. */
class MetricsAndHealthTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path dataDir;

    @Test
    void theMetricsOfRunServeMatchTheDatabaseAndTheCallsMade() throws Exception {
        PipelineMetrics pipeline = new PipelineMetrics();
        HarvesterConfig config = ConsoleHarvest.harvest(dataDir, pipeline);
        try (Database reader = Database.openReadOnly(dataDir);
             ConsoleServer console = ConsoleServer.start(config, config.console().at("127.0.0.1", 0), reader,
                     HarvestMetrics.of(reader, pipeline), Optional.of(Optional::empty), Clock.systemUTC())) {
            HttpResponse<String> response = new ConsoleClient(console.port()).get("/metrics");
            assertEquals(200, response.statusCode());
            assertEquals(HarvestMetrics.CONTENT_TYPE, response.headers().firstValue("Content-Type").orElseThrow());
            PrometheusText metrics = PrometheusText.parse(response.body());
            Queries queries = new Queries(reader);

            for (List<Object> row : queries.samplesByState().rows()) {
                assertEquals(((Number) row.get(1)).doubleValue(), metrics.value("tg_harvester_samples", "state",
                        (String) row.get(0)), "samples " + row.get(0));
            }
            for (List<Object> row : queries.artifactsByStatus().rows()) {
                assertEquals(((Number) row.get(1)).doubleValue(), metrics.value("tg_harvester_artifacts", "status",
                        (String) row.get(0)), "artifacts " + row.get(0));
                assertEquals(((Number) row.get(2)).doubleValue(), metrics.value("tg_harvester_artifact_bytes",
                        "status", (String) row.get(0)), "bytes " + row.get(0));
            }
            assertEquals(count(queries, "SELECT COUNT(*) FROM parse_state WHERE status = 'parsed'"),
                    metrics.value("tg_harvester_analyses", "status", "parsed"));
            new JobRunStore(reader).runs().forEach(run -> assertEquals(
                    run.lastSuccess().orElseThrow().toEpochMilli() / 1000.0,
                    metrics.value("tg_harvester_stage_last_success_timestamp_seconds", "stage", run.stage()),
                    run.stage()));
            assertEquals(queries.watermark().orElseThrow().getEpochSecond(),
                    metrics.value("tg_harvester_watermark_timestamp_seconds").longValue());

            double lists = metrics.value("tg_harvester_api_calls_total", "endpoint", "/api/v2/samples",
                    "outcome", "ok");
            assertTrue(lists >= 10, "a list call per pass at least: " + lists);
            assertEquals(count(queries, "SELECT COUNT(*) FROM artifacts WHERE name = 'analysis.json'"
                    + " AND status = 'done'"), metrics.value("tg_harvester_api_calls_total",
                    "endpoint", "/api/v2/samples/{id}/analysis.json", "outcome", "ok"), "one call per analysis");
            assertEquals(count(queries, "SELECT COUNT(*) FROM artifacts WHERE name = 'video.webm'"
                    + " AND status = 'absent'"), metrics.value("tg_harvester_api_calls_total",
                    "endpoint", "/api/v2/samples/{id}/video.webm", "outcome", "not_found"), "a missing video is a 404");
            assertFalse(metrics.samples().keySet().stream().anyMatch(key -> key.matches(".*[0-9a-f]{32}.*")),
                    "no series per sample");
            assertEquals(0.0, metrics.value("tg_harvester_api_retries_total"));
            assertEquals(lists, metrics.value("tg_harvester_stage_duration_seconds_count", "stage", "fetch",
                    "outcome", "done"), "every fetch lists once here");
            assertTrue(metrics.value("tg_harvester_stage_duration_seconds_sum", "stage", "download",
                    "outcome", "done") > 0);
            assertEquals(0.0, metrics.value("tg_harvester_backoff_paused"));
            assertFalse(metrics.has("tg_harvester_stage_failures_total"), "nothing failed");
        }
    }

    @Test
    void serveBesideTheDaemonExportsWhatTheDatabaseSaysOnly() throws Exception {
        ReportFixtures.storeHandCounted(dataDir);
        try (Database reader = Database.openReadOnly(dataDir);
             ConsoleServer console = ConsoleHarvest.serve(ConsoleHarvest.config(dataDir, Map.of()), reader,
                     Clock.systemUTC())) {
            PrometheusText metrics = PrometheusText.parse(new ConsoleClient(console.port()).get("/metrics").body());

            assertEquals(6.0, metrics.value("tg_harvester_samples", "state", "succ"), "of the eleven hand-counted");
            assertEquals(2.0, metrics.value("tg_harvester_samples", "state", "fail"));
            assertEquals(1.0, metrics.value("tg_harvester_samples", "state", "stale"));
            assertFalse(metrics.has("tg_harvester_api_calls_total"), "no calls are made in this process");
            assertFalse(metrics.has("tg_harvester_stage_duration_seconds_count"));
            assertNull(metrics.value("tg_harvester_stage_last_success_timestamp_seconds", "stage", "fetch"),
                    "no stage has run");
            assertTrue(Double.isNaN(metrics.value("tg_harvester_watermark_timestamp_seconds")), "no watermark yet");
        }
    }

    @Test
    void healthzTurns503WhenAStageStopsSucceedingAnd200WhenItRecovers() throws Exception {
        Instant start = Instant.parse("2026-11-20T10:00:00Z");
        try (Database db = Database.open(dataDir)) {
            JobRunStore runs = new JobRunStore(db);
            for (String stage : List.of("fetch", "state", "download", "parse")) {
                runs.succeeded(stage, start);
            }
        }
        TestClock clock = new TestClock(start.plusSeconds(30));
        HarvesterConfig config = ConsoleHarvest.config(dataDir, Map.of("harvester.fetch-interval", "60s",
                "harvester.state-interval", "5m", "harvester.download-interval", "15s",
                "harvester.console.health-factor", "20"));
        try (Database reader = Database.openReadOnly(dataDir);
             ConsoleServer console = ConsoleHarvest.serve(config, reader, clock)) {
            ConsoleClient client = new ConsoleClient(console.port());
            assertEquals(200, client.get("/healthz").statusCode());
            assertEquals("ok\n", client.get("/healthz").body());

            clock.advance(Duration.ofMinutes(10));
            HttpResponse<String> late = client.get("/healthz");
            assertEquals(503, late.statusCode(), late.body());
            assertEquals("unhealthy\n"
                    + "stage download has not succeeded for 10 min 30 s (limit 5m)\n"
                    + "stage parse has not succeeded for 10 min 30 s (limit 5m)\n", late.body(),
                    "download and parse (every 15 s, 20 times: 5 min) are late; fetch and state are not");

            try (Database db = Database.open(dataDir)) {
                JobRunStore runs = new JobRunStore(db);
                runs.failed("download", clock.instant(), "cannot reach Threat Grid for /api/v2/samples/{id}:"
                        + " no answer within harvester.http-timeout (60s)");
                runs.succeeded("parse", clock.instant());
            }
            String reason = client.get("/healthz").body();
            assertTrue(reason.endsWith("stage download has not succeeded for 10 min 30 s (limit 5m); last failure"
                    + " just now: cannot reach Threat Grid for /api/v2/samples/{id}: no answer within"
                    + " harvester.http-timeout (60s)\n"), "the reason names the stage's last error: " + reason);
            try (Database db = Database.open(dataDir)) {
                new JobRunStore(db).succeeded("download", clock.instant());
            }
            assertEquals(200, client.get("/healthz").statusCode());
        }
    }

    /** What a test checks of a harvester after one pass, through the console served beside it. */
    @FunctionalInterface
    private interface ServedCheck {
        void check(Harvester harvester, ConsoleClient http) throws Exception;
    }

    /**
     * One pass of every connection of {@code config}, wired as {@code run --serve} wires them (each client and stage
     * reporting to the same metrics), then {@code check} against the console serving that harvest.
     */
    private void passThenServe(HarvesterConfig config, ServedCheck check) throws Exception {
        PipelineMetrics pipeline = new PipelineMetrics();
        Map<String, ThreatGridClient> clients = new LinkedHashMap<>();
        config.connections().forEach(c -> clients.put(c.alias(), ThreatGridClient.connect(c, config, pipeline)));
        try (Harvester harvester = Harvester.open(config, clients, Clock.systemUTC(), pipeline)) {
            pipeline.watch(clients.values(), harvester::pausedUntil, Clock.systemUTC());
            harvester.runOnce();
            try (Database reader = Database.openReadOnly(dataDir);
                 ConsoleServer console = ConsoleServer.start(config, config.console().at("127.0.0.1", 0), reader,
                         HarvestMetrics.of(reader, pipeline), Optional.of(harvester::pausedUntil),
                         Clock.systemUTC())) {
                check.check(harvester, new ConsoleClient(console.port()));
            }
        }
    }

    @Test
    void aRefusedKeyShowsInTheMetricsAndInHealth() throws Exception {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(aResponse().withStatus(401)
                .withBody(TgJson.error(401, "invalid key"))));
        passThenServe(ConsoleHarvest.config(dataDir, Map.of("tg.base-url", wm.baseUrl())), (harvester, http) -> {
            PrometheusText metrics = PrometheusText.parse(http.get("/metrics").body());

            assertEquals(1.0, metrics.value("tg_harvester_stage_failures_total", "stage", "fetch",
                    "cause", "key_refused"));
            assertTrue(metrics.value("tg_harvester_api_calls_total", "endpoint", "/api/v2/samples",
                    "outcome", "key_refused") >= 1);
            assertEquals(1.0, metrics.value("tg_harvester_backoff_paused"), "a refused key pauses every call");
            assertTrue(metrics.value("tg_harvester_backoff_remaining_seconds") > 60);
            HttpResponse<String> health = http.get("/healthz");
            assertEquals(503, health.statusCode());
            assertTrue(health.body().contains("stage fetch has never succeeded")
                    && health.body().contains("Threat Grid refused the API key")
                    && health.body().contains("all calls to Threat Grid paused until"), health.body());
            assertTrue(http.get("/").body().contains("paused until"), "the overview shows the pause");
        });
    }

    @Test
    void healthJudgesTheStagesOfTheConnectionsAProcessHarvestsAndTheSharedParse() {
        HarvesterConfig config = ConsoleHarvest.config(dataDir, Map.of("tg.base-url", wm.baseUrl(),
                "tg.connections.eu.base-url", wm.baseUrl(), "tg.connections.eu.api-key", "eu-key"));
        assertEquals(List.of("fetch", "state", "download", "fetch:eu", "state:eu", "download:eu", "parse"),
                List.copyOf(HealthCheck.intervals(config).keySet()));
        // run --connection eu --serve hands the console the connection it harvests
        assertEquals(List.of("fetch:eu", "state:eu", "download:eu", "parse"), List.copyOf(HealthCheck.intervals(
                config.withConnections(config.harvested(Optional.of("eu")))).keySet()));
    }

    @Test
    void aRefusedKeyOfOneConnectionFailsItsOwnStagesWhileTheOtherConnectionsCallsGoOn() throws Exception {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.page(0, 100, List.of()))));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).atPriority(1)
                .withHeader("Authorization", equalTo("bearer eu-key"))
                .willReturn(aResponse().withStatus(401).withBody(TgJson.error(401, "invalid key"))));
        HarvesterConfig config = ConsoleHarvest.config(dataDir, Map.of("tg.base-url", wm.baseUrl(),
                "tg.auth", "header", "tg.connections.eu.base-url", wm.baseUrl(),
                "tg.connections.eu.api-key", "eu-key", "tg.connections.eu.auth", "header"));
        passThenServe(config, (harvester, http) -> {
            assertEquals(Optional.empty(), harvester.pausedUntil(), "the default connection's calls are not paused");
            PrometheusText metrics = PrometheusText.parse(http.get("/metrics").body());

            assertEquals(1.0, metrics.value("tg_harvester_stage_failures_total", "stage", "fetch:eu",
                    "cause", "key_refused"));
            assertEquals(1.0, metrics.value("tg_harvester_stage_duration_seconds_count", "stage", "fetch",
                    "outcome", "done"));
            assertEquals(1.0, metrics.value("tg_harvester_api_calls_total", "endpoint", "/api/v2/samples",
                    "outcome", "key_refused"), "the calls of both connections are counted together");
            assertEquals(1.0, metrics.value("tg_harvester_api_calls_total", "endpoint", "/api/v2/samples",
                    "outcome", "ok"));
            assertEquals(0.0, metrics.value("tg_harvester_backoff_paused"), "not every call is paused");
            HttpResponse<String> health = http.get("/healthz");
            assertEquals(503, health.statusCode());
            assertEquals(List.of("unhealthy", "stage fetch:eu has never succeeded (limit 3m)",
                    "stage state:eu has never succeeded (limit 15m)",
                    "stage download:eu has never succeeded (limit 45s)"), health.body().lines()
                    .map(line -> line.replaceAll("; last failure.*", "")).toList(), "the default's stages keep up");
            assertTrue(health.body().contains("fetch:eu has never succeeded (limit 3m); last failure just now:"
                    + " Threat Grid refused the API key"), health.body());
        });
    }

    private static double count(Queries queries, String sql) {
        return ((Number) queries.userQuery(sql).rows().get(0).get(0)).doubleValue();
    }
}
