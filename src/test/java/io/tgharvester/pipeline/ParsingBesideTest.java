package io.tgharvester.pipeline;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.config.ConfigLoader;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.sim.SimulatedSample;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import io.tgharvester.store.Queries;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * run --once parses analyses while the rest of its downloads go on: a simulated backlog reached through a proxy that
 * holds one artifact back, so that the pass cannot end before the others' analyses could be parsed.
 */
class ParsingBesideTest {
    private static final String KEY = "beside-key";
    private static final int HELD_BACK_MS = 6000;
    private static final Set<String> FINISHED = Set.of("succ", "fail");

    @RegisterExtension
    static WireMockExtension proxy = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path dataDir;

    @Test
    void analysesAreParsedAsTheirFilesAreRecordedWhileOtherDownloadsRun() throws Exception {
        try (ThreatGridSimulator simulator = backlog()) {
            List<SimulatedSample> succeeded = succeeded(simulator);
            SimulatedSample last = succeeded.get(succeeded.size() - 1);
            proxy.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(simulator.baseUrl()
                    .toString())));
            proxy.stubFor(get(urlPathEqualTo("/api/v2/samples/" + last.id() + "/video.webm")).atPriority(1)
                    .willReturn(aResponse().proxiedFrom(simulator.baseUrl().toString())
                            .withFixedDelay(HELD_BACK_MS)));
            // The first sample has no processes.json: recorded as absent, it no longer holds up that sample's parse.
            SimulatedSample first = succeeded.get(0);
            proxy.stubFor(get(urlPathEqualTo("/api/v2/samples/" + first.id() + "/processes.json")).atPriority(1)
                    .willReturn(aResponse().withStatus(404)));

            try (Harvester harvester = Harvester.open(config(), ThreatGridClient.connect(config()),
                    Clock.systemUTC())) {
                CompletableFuture<List<StageResult>> pass = CompletableFuture.supplyAsync(harvester::runOnce);
                Queries q = harvester.queries();
                long others = succeeded.size() - 1;
                long parsedWhileDownloading = 0;
                while (!pass.isDone() && parsedWhileDownloading < others) {
                    parsedWhileDownloading = count(q, "SELECT COUNT(*) FROM parse_state WHERE status = 'parsed'"
                            + " AND sample_id <> '" + last.id() + "'");
                    Thread.sleep(50);
                }
                assertEquals(others, parsedWhileDownloading,
                        "every other succeeded sample was parsed while a download still ran");
                assertFalse(pass.isDone(), "the held-back download still ran");
                assertEquals(0L, count(q, "SELECT COUNT(*) FROM artifacts WHERE sample_id = '" + last.id()
                        + "' AND name = 'video.webm' AND status = 'done'"));

                pass.get();
                assertEquals((long) succeeded.size(),
                        count(q, "SELECT COUNT(*) FROM parse_state WHERE status = 'parsed'"));
                assertEquals(1L, count(q, "SELECT COUNT(*) FROM artifacts WHERE sample_id = '" + first.id()
                        + "' AND name = 'processes.json' AND status = 'absent'"));
            }
        }
    }

    /** Finished samples, sized as a real backlog's are small: a few kilobytes each. */
    private static ThreatGridSimulator backlog() {
        SimulatorConfig config = new SimulatorConfig(KEY, List.of("alice", "bob"), 0, Duration.ofHours(1), 8,
                Duration.ofHours(6), 8, Duration.ofSeconds(1), 0, 0, 0, 19L);
        ThreatGridSimulator simulator = new ThreatGridSimulator(config, Clock.systemUTC());
        simulator.start(0);
        return simulator;
    }

    private static List<SimulatedSample> succeeded(ThreatGridSimulator simulator) throws InterruptedException {
        Instant finished = Instant.now().plusSeconds(30);
        while (true) {
            Instant now = Instant.now();
            List<SimulatedSample> samples = simulator.groundTruth().samples();
            if (samples.stream().allMatch(s -> FINISHED.contains(s.stateAt(now))) || now.isAfter(finished)) {
                return samples.stream().filter(s -> s.stateAt(now).equals("succ"))
                        .sorted(Comparator.comparing(SimulatedSample::id)).toList();
            }
            Thread.sleep(200);
        }
    }

    private HarvesterConfig config() {
        return new ConfigLoader(Map.of(), Optional.empty()).load(Optional.empty(), Map.of(
                "tg.api-key", KEY, "tg.base-url", proxy.baseUrl(), "harvester.data-dir", dataDir.toString()));
    }

    private static long count(Queries q, String sql) {
        return ((Number) q.userQuery(sql).rows().get(0).get(0)).longValue();
    }
}
