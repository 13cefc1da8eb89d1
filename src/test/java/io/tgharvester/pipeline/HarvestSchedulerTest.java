package io.tgharvester.pipeline;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.tgharvester.TgJson;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.config.ConfigLoader;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.config.HarvesterConfig.ReportSchedule;
import io.tgharvester.report.DailyReportWriter;
import io.tgharvester.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class HarvestSchedulerTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path dataDir;

    private HarvesterConfig config() {
        return config(Map.of());
    }

    private HarvesterConfig config(Map<String, String> more) {
        Map<String, String> values = new HashMap<>(Map.of(
                "tg.api-key", "key", "tg.base-url", wm.baseUrl(), "harvester.data-dir", dataDir.toString(),
                "harvester.fetch-interval", "200ms", "harvester.state-interval", "300ms",
                "harvester.download-interval", "10s"));
        values.putAll(more);
        return new ConfigLoader(Map.of(), Optional.empty()).load(Optional.empty(), values);
    }

    /**
     * Runs the daemon of {@code harvester} until {@code countSql} counts {@code count}, failing with {@code late} once
     * {@code limit} has passed; {@code thenWhileRunning} checks the harvest at that moment, before the daemon stops.
     */
    private static void runDaemonUntil(Harvester harvester, HarvesterConfig cfg, String countSql, long count,
                                       Duration limit, String late, Runnable thenWhileRunning) throws Exception {
        HarvestScheduler scheduler = new HarvestScheduler(harvester, cfg.fetchInterval(), cfg.stateInterval(),
                cfg.downloadInterval());
        Instant started = Instant.now();
        scheduler.start();
        try {
            while (!harvester.queries().userQuery(countSql).rows().equals(List.of(List.of(count)))) {
                assertTrue(Duration.between(started, Instant.now()).compareTo(limit) < 0, late);
                Thread.sleep(50);
            }
            thenWhileRunning.run();
        } finally {
            scheduler.close();
        }
    }

    /** A sample listed as succeeded an hour ago, whose artifacts the server serves; its id. */
    private static String succeededSample(int n) {
        Instant submitted = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        String id = TgJson.id(n);
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.page(0, 100, List.of(
                TgJson.sample(n, "succ", "hal", submitted))))));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(TgJson.states(List.of()))));
        wm.stubFor(get(urlPathMatching("/api/v2/samples/" + id + "/.*")).willReturn(aResponse().withBody("bytes")));
        return id;
    }

    @Test
    void aFailedDownloadIsRetriedWhenItIsDueNotAtTheNextDownloadInterval() throws Exception {
        String analysis = "/api/v2/samples/" + succeededSample(13) + "/analysis.json";
        wm.stubFor(get(analysis).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(TgJson.error(404, "Record not found"))).willSetStateTo("recovered"));
        wm.stubFor(get(analysis).inScenario("flaky").whenScenarioStateIs("recovered")
                .willReturn(okJson("{\"metadata\": {}}")));
        HarvesterConfig cfg = config(Map.of("harvester.download.retry-base", "500ms",
                "harvester.download-interval", "1m"));

        try (Harvester harvester = Harvester.open(cfg, ThreatGridClient.connect(cfg), Clock.systemUTC())) {
            runDaemonUntil(harvester, cfg, "SELECT COUNT(*) FROM artifacts WHERE status = 'done'", 4,
                    Duration.ofSeconds(20), "the failed download was not retried within 20 s", () -> { });
            assertEquals(List.of(List.of(2)), harvester.queries().userQuery(
                    "SELECT attempts FROM artifacts WHERE name = 'analysis.json'").rows(), "failed once, then done");
        }
        assertEquals(2, wm.findAll(getRequestedFor(urlPathEqualTo(analysis))).size());
    }

    /** The shipped fetch interval (60 s): only the quick rerun of the failed fetch can list the sample in time. */
    @Test
    void aFetchWhoseListCallFailsAllItsAttemptsRunsAgainWithinSecondsNotAtTheNextInterval() throws Exception {
        Instant submitted = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        String list = "/api/v2/samples";
        wm.stubFor(get(urlPathEqualTo(list)).inScenario("down").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("down twice"));
        wm.stubFor(get(urlPathEqualTo(list)).inScenario("down").whenScenarioStateIs("down twice")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("down thrice"));
        wm.stubFor(get(urlPathEqualTo(list)).inScenario("down").whenScenarioStateIs("down thrice")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        wm.stubFor(get(urlPathEqualTo(list)).inScenario("down").whenScenarioStateIs("up")
                .willReturn(okJson(TgJson.page(0, 100, List.of(TgJson.sample(31, "run", "hal", submitted))))));
        HarvesterConfig cfg = config(Map.of("harvester.fetch-interval", "60s"));

        try (Harvester harvester = Harvester.open(cfg, ThreatGridClient.connect(cfg), Clock.systemUTC())) {
            runDaemonUntil(harvester, cfg, "SELECT COUNT(*) FROM samples", 1, Duration.ofSeconds(10),
                    "the failed fetch did not run again within 10 s", () -> { });
        }
        assertEquals(4, wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples"))).size(),
                "three attempts of the first fetch's call, then the second fetch's");
    }

    /**
     * The download interval is a minute here so that only the end of the pause (6 s) can bring the round back within
     * the test's time.
     */
    @Test
    void aDownloadRoundCutShortByAPauseRunsAgainWhenThePauseEndsNotAtTheNextInterval() throws Exception {
        String analysis = "/api/v2/samples/" + succeededSample(14) + "/analysis.json";
        // longer than harvester.retry.max-wait (5 s): not the call's to wait out but the schedule's pause
        wm.stubFor(get(analysis).inScenario("limited").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "6")).willSetStateTo("free"));
        wm.stubFor(get(analysis).inScenario("limited").whenScenarioStateIs("free")
                .willReturn(okJson("{\"metadata\": {}}")));
        HarvesterConfig cfg = config(Map.of("harvester.download-interval", "1m"));

        try (Harvester harvester = Harvester.open(cfg, ThreatGridClient.connect(cfg), Clock.systemUTC())) {
            ScheduledHarvest.untilDone(harvester, cfg, 4L);
            assertEquals(List.of(List.of(true)), harvester.queries().userQuery(
                    "SELECT last_failure_at IS NOT NULL FROM job_runs WHERE job = 'download'").rows(),
                    "the first round ended on the refusal");
        }
        assertEquals(2, wm.findAll(getRequestedFor(urlPathEqualTo(analysis))).size());
    }

    @Test
    void theSucceededSamplesOfAListingsFirstPageAreDownloadedWhileItsNextPageIsStillOnItsWay() throws Exception {
        Instant submitted = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        String id = TgJson.id(21);
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).withQueryParam("offset", equalTo("0"))
                .willReturn(okJson(TgJson.page(0, 2, List.of(TgJson.sample(21, "succ", "hal", submitted),
                        TgJson.sample(22, "run", "hal", submitted))))));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).withQueryParam("offset", equalTo("2"))
                .willReturn(okJson(TgJson.page(2, 2, List.of(TgJson.sample(23, "run", "hal", submitted))))
                        .withFixedDelay(8000)));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(TgJson.states(List.of()))));
        wm.stubFor(get(urlPathMatching("/api/v2/samples/" + id + "/.*")).willReturn(aResponse().withBody("bytes")));
        HarvesterConfig cfg = config(Map.of("harvester.fetch-interval", "1m"));

        try (Harvester harvester = Harvester.open(cfg, ThreatGridClient.connect(cfg), Clock.systemUTC())) {
            runDaemonUntil(harvester, cfg, "SELECT COUNT(*) FROM artifacts WHERE status = 'done'", 4,
                    Duration.ofSeconds(6), "the first page's sample was not downloaded while the second page was on its"
                            + " way", () -> assertEquals(List.of(List.of(2L)), harvester.queries().userQuery(
                            "SELECT COUNT(*) FROM samples").rows(), "the second page is still on its way"));
        }
    }

    @Test
    void theDaemonFetchesChecksAndDownloadsOnItsScheduleAndStopsCleanly() throws Exception {
        Instant submitted = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        String id = TgJson.id(11);
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.page(0, 100, List.of(
                TgJson.sample(11, "run", "fay", submitted))))));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(TgJson.states(List.of(id, "succ")))));
        wm.stubFor(get(urlPathMatching("/api/v2/samples/" + id + "/.*")).willReturn(aResponse().withBody("bytes")));
        HarvesterConfig cfg = config();

        try (Harvester harvester = Harvester.open(cfg, ThreatGridClient.connect(cfg), Clock.systemUTC())) {
            ScheduledHarvest.untilDone(harvester, cfg, 4L);
            int listCalls = wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples"))).size();
            Thread.sleep(600);
            assertEquals(listCalls, wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples"))).size(),
                    "no call after the scheduler stopped");
            assertEquals(List.of(List.of("analyze"), List.of("download"), List.of("fetch"), List.of("parse"),
                            List.of("state")),
                    harvester.queries().userQuery(
                            "SELECT job FROM job_runs WHERE last_success_at IS NOT NULL ORDER BY job").rows());
            assertTrue(listCalls >= 2, "fetch repeats on its interval");
        }
        assertEquals(4, wm.findAll(getRequestedFor(urlPathMatching("/api/v2/samples/" + id + "/.*"))).size(),
                "the download started right after the state check saw succ, not 10 s later");
    }

    @Test
    void theReportJobWritesTheHtmlReportOnItsCronSchedule() throws Exception {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.page(0, 100, List.of(
                TgJson.sample(12, "succ", "gus", Instant.now().minus(2, ChronoUnit.HOURS)
                        .truncatedTo(ChronoUnit.SECONDS)))))));
        wm.stubFor(get(urlPathMatching("/api/v2/samples/.*/.*")).willReturn(aResponse().withStatus(404)));
        HarvesterConfig cfg = config();
        Path latest = dataDir.resolve("reports").resolve("latest.html");

        try (Harvester harvester = Harvester.open(cfg, ThreatGridClient.connect(cfg), Clock.systemUTC())) {
            HarvestScheduler scheduler = new HarvestScheduler(harvester, cfg.fetchInterval(), cfg.stateInterval(),
                    cfg.downloadInterval());
            scheduler.scheduleReport(new ReportSchedule("* * * * * ?", ZoneOffset.UTC, Duration.ofDays(7)),
                    new DailyReportWriter(harvester.reportQueries(), dataDir, ZoneOffset.UTC, Duration.ofDays(7),
                            Clock.systemUTC())::write);
            scheduler.start();
            try {
                Instant deadline = Instant.now().plusSeconds(20);
                while (!Files.exists(latest) || !Files.readString(latest).contains("gus")) {
                    assertTrue(Instant.now().isBefore(deadline), "no report with gus's sample within 20 s");
                    Thread.sleep(100);
                }
            } finally {
                scheduler.close();
            }
        }
        String html = Files.readString(latest);
        assertTrue(html.contains("<svg"), "the report has its charts");
        try (var reports = Files.list(dataDir.resolve("reports"))) {
            List<String> names = reports.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(2, names.size(), "one dated file a day, replaced by later runs, and no temp file: " + names);
            assertEquals("latest.html", names.get(0));
            assertTrue(names.get(1).matches("users-\\d{4}-\\d{2}-\\d{2}\\.html"), names.get(1));
        }
    }

    @Test
    void aSecondHarvesterOnTheSameDataDirIsRefused() {
        HarvesterConfig cfg = config();
        try (Harvester first = Harvester.open(cfg, ThreatGridClient.connect(cfg), Clock.systemUTC())) {
            StoreException e = assertThrows(StoreException.class,
                    () -> Harvester.open(cfg, ThreatGridClient.connect(cfg), Clock.systemUTC()));
            assertTrue(e.getMessage().contains("another tg-harvester is already harvesting"), e.getMessage());
            assertTrue(first.queries().samplesByState().rows().isEmpty(), "the first is unaffected");
        }
    }
}
