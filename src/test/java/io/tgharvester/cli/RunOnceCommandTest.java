package io.tgharvester.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.tgharvester.TgJson;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class RunOnceCommandTest {
    private static final String KEY = "SECRET-tg-key-5f2a9c71e0";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path dataDir;

    private Map<String, String> env() {
        return Map.of("TG_API_KEY", KEY, "TG_BASE_URL", wm.baseUrl(), "TG_DATA_DIR", dataDir.toString());
    }

    @Test
    void oneHarvestPassStoresSamplesAndArtifactsAndTheKeyAppearsNowhere() throws IOException {
        Instant submitted = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        String id = TgJson.id(5);
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.page(0, 100, List.of(
                TgJson.sample(id, "succ", "\"alice\"", submitted, submitted.plusSeconds(90)),
                TgJson.sample(6, "run", "bob", submitted))))));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(TgJson.states(List.of()))));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/" + id + "/analysis.json")).willReturn(okJson("{}")));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/" + id + "/processes.json")).willReturn(okJson("{}")));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/" + id + "/network.pcap"))
                .willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/" + id + "/video.webm"))
                .willReturn(aResponse().withStatus(404)));

        // The broken pcap would be tried again within the pass's patience (2m by default); one second keeps this pass
        // to one try of each artifact.
        CliRun.Result result = CliRun.run(env(), "run", "--once", "--set", "tg.auth=query",
                "--set", "harvester.once.patience=1s");

        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("samples 2 (run 1, succ 1)"), result.out());
        assertTrue(result.out().contains("artifacts done 2, absent 1, failed 1, pending 0"), result.out());
        wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples"))).forEach(r -> {
            assertEquals("True", r.queryParameter("org_only").firstValue());
            assertEquals(KEY, r.queryParameter("api_key").firstValue(), "query mode sends the key in the URL");
        });
        assertTrue(result.logs().contains("event=download-failed"), result.logs());
        assertFalse(result.logs().contains(KEY), "the key leaked into the logs:\n" + result.logs());
        assertFalse(result.out().contains(KEY) || result.err().contains(KEY));
        assertFalse(CliRun.anyFileContains(dataDir, KEY), "the key leaked into the data dir");
    }

    @Test
    void aRefusedKeyExitsWithThreeAndOneClearLine() {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(aResponse().withStatus(401)
                .withBody(TgJson.error(401, "invalid api_key " + KEY))));

        CliRun.Result result = CliRun.run(env(), "run", "--once");

        assertEquals(3, result.exitCode());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().startsWith("tg-harvester: Threat Grid refused the API key (HTTP 401"),
                result.err());
        assertFalse((result.err() + result.logs() + result.out()).contains(KEY));
    }

    @Test
    void aServerThatStaysDownPastThePatienceExitsWithFourAndSaysWhatIsLeft() {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(aResponse().withStatus(503)));

        long started = System.nanoTime();
        // This outage never ends: the default patience (2m) would only make the test wait longer.
        CliRun.Result result = CliRun.run(env(), "run", "--once", "--set", "harvester.once.patience=4s");

        assertEquals(4, result.exitCode());
        assertTrue(System.nanoTime() - started >= Duration.ofSeconds(4).toNanos(), "it kept trying for its patience");
        assertTrue(wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples"))).size() > 1);
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().contains("HTTP 503"), result.err());
        assertTrue(result.out().contains("left for the next run: fetch stage unfinished; not run: state, download,"
                + " parse, analyze"), result.out());
    }

    @Test
    void aPassGoesOnThroughFailuresThatPassWithinItsPatience() {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).inScenario("flaky").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("1"));
        for (int n = 1; n <= 3; n++) { // four failures in a row: fewer than an outage takes
            wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).inScenario("flaky").whenScenarioStateIs("" + n)
                    .willReturn(n % 2 == 0 ? aResponse().withStatus(502) : aResponse().withFault(
                            Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("" + (n + 1)));
        }
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).inScenario("flaky").whenScenarioStateIs("4")
                .willReturn(okJson(TgJson.page(0, 100, List.of(TgJson.sample(1, "run", "ann", Instant.now()))))));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(TgJson.states(List.of()))));

        CliRun.Result result = CliRun.run(env(), "run", "--once");

        assertEquals(0, result.exitCode(), result.everything());
        assertEquals(5, wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples"))).size());
        assertTrue(result.out().contains("samples 1 (run 1)") && result.out().contains("pass complete"), result.out());
    }

    @Test
    void aMissingKeyIsAConfigurationErrorThatSaysWhereToPutIt() {
        CliRun.Result result = CliRun.run(Map.of("TG_BASE_URL", wm.baseUrl(), "TG_DATA_DIR", dataDir.toString()),
                "run", "--once");

        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("no API key") && result.err().contains("TG_API_KEY"), result.err());
        assertEquals(0, wm.getAllServeEvents().size(), "nothing is sent without a key");
    }

    @Test
    void sqlAnswersReadQueriesAndRefusesWrites() {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.page(0, 100, List.of(
                TgJson.sample(1, "run", "carol", Instant.now().minus(1, ChronoUnit.HOURS)))))));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(TgJson.states(List.of()))));
        assertEquals(0, CliRun.run(env(), "run", "--once").exitCode());

        CliRun.Result csv = CliRun.run(env(), "sql", "SELECT login, submissions FROM user_stats",
                "--format", "csv");
        assertEquals(0, csv.exitCode(), csv.err());
        assertEquals("login,submissions\r\ncarol,1\r\n", csv.out());

        CliRun.Result refused = CliRun.run(env(), "sql", "DELETE FROM samples");
        assertEquals(5, refused.exitCode());
        assertTrue(refused.err().contains("only read queries"), refused.err());
        CliRun.Result hidden = CliRun.run(env(), "sql", "EXPLAIN ANALYZE DELETE FROM samples");
        assertEquals(5, hidden.exitCode());
        assertEquals(1, hidden.err().lines().count(), hidden.err());
        assertTrue(hidden.err().startsWith("tg-harvester: refused: sql only reads"), hidden.err());
        assertEquals("login,submissions\r\ncarol,1\r\n",
                CliRun.run(env(), "sql", "SELECT login, submissions FROM user_stats", "--format", "csv").out());
    }

    @Test
    void statusShowsStatesBacklogAndWatermark() {
        Instant submitted = Instant.parse("2026-11-20T10:00:00Z");
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.page(0, 100, List.of(
                TgJson.sample(1, "wait", "carol", submitted))))));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(TgJson.states(List.of()))));
        CliRun.run(env(), "run", "--once", "--set", "harvester.initial-lookback=3650d", "--set",
                "harvester.stale-after=3650d");

        CliRun.Result status = CliRun.run(env(), "status");

        assertEquals(0, status.exitCode(), status.err());
        assertTrue(status.out().contains("wait   1"), status.out());
        assertTrue(status.out().contains("watermark  2026-11-20T10:00:00Z"), status.out());
        assertTrue(status.out().contains("fetch"), status.out());
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("run", "status", "sql", "demo", "simulate")) {
            CliRun.Result help = CliRun.run(env(), command, "--help");
            assertEquals(0, help.exitCode(), command);
            assertTrue(help.out().startsWith("Usage: tg-harvester " + command), help.out());
        }
    }
}
