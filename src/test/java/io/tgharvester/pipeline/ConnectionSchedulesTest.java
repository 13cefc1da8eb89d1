package io.tgharvester.pipeline;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tgharvester.TgJson;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.config.ConfigLoader;
import io.tgharvester.config.ConnectionConfig;
import io.tgharvester.config.HarvesterConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The daemon with two connections: two WireMock servers as two organizations, each with its own key. */
class ConnectionSchedulesTest {
    @RegisterExtension
    static WireMockExtension us = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();
    @RegisterExtension
    static WireMockExtension eu = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path dataDir;

    /** An organization listing one running sample that the state check then finds succeeded. */
    private static String organization(WireMockExtension server, int n) {
        Instant submitted = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        String id = TgJson.id(n);
        server.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.page(0, 100, List.of(
                TgJson.sample(n, "run", "fay", submitted))))));
        server.stubFor(get(urlPathEqualTo("/api/v2/samples/state"))
                .willReturn(okJson(TgJson.states(List.of(id, "succ")))));
        server.stubFor(get(urlPathMatching("/api/v2/samples/" + id + "/.*")).willReturn(aResponse().withBody("x")));
        return id;
    }

    @Test
    void eachConnectionIsFetchedCheckedAndDownloadedOnItsOwnScheduleWithItsOwnKey() throws Exception {
        String usSample = organization(us, 31);
        String euSample = organization(eu, 32);
        HarvesterConfig cfg = new ConfigLoader(Map.of(), Optional.empty()).load(Optional.empty(), Map.of(
                "tg.api-key", "us-key", "tg.base-url", us.baseUrl(), "tg.auth", "header",
                "tg.connections.eu.base-url", eu.baseUrl(), "tg.connections.eu.api-key", "eu-key",
                "tg.connections.eu.auth", "header", "harvester.data-dir", dataDir.toString(),
                "harvester.fetch-interval", "200ms", "harvester.state-interval", "300ms",
                "harvester.download-interval", "10s"));
        Map<String, ThreatGridClient> clients = new LinkedHashMap<>();
        for (ConnectionConfig c : cfg.connections()) {
            clients.put(c.alias(), ThreatGridClient.connect(c, cfg));
        }

        try (Harvester harvester = Harvester.open(cfg, clients, Clock.systemUTC())) {
            ScheduledHarvest.untilDone(harvester, cfg, 8L);
            assertEquals(List.of(List.of(usSample, "default", "succ"), List.of(euSample, "eu", "succ")),
                    harvester.queries().userQuery("SELECT id, connection, state FROM samples ORDER BY id").rows());
            assertEquals(List.of("analyze", "download", "download:eu", "fetch", "fetch:eu", "parse", "state",
                            "state:eu"),
                    harvester.queries().userQuery("SELECT job FROM job_runs WHERE last_success_at IS NOT NULL"
                            + " ORDER BY job").rows().stream().map(r -> r.get(0)).toList());
        }
        for (Map.Entry<WireMockExtension, List<String>> server : Map.of(us, List.of(usSample, "bearer us-key"),
                eu, List.of(euSample, "bearer eu-key")).entrySet()) {
            List<LoggedRequest> requests = server.getKey().findAll(getRequestedFor(urlPathMatching("/api/v2/.*")));
            requests.forEach(r -> assertEquals(server.getValue().get(1), r.getHeader("Authorization"), r.getUrl()));
            assertEquals(4, server.getKey().findAll(getRequestedFor(urlPathMatching("/api/v2/samples/"
                    + server.getValue().get(0) + "/.*"))).size(), "its own sample's four artifacts");
            assertTrue(server.getKey().findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples"))).size() >= 2,
                    "fetched on its interval");
        }
    }
}
